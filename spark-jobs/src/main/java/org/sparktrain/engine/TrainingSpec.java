package org.sparktrain.engine;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

/**
 * One training run for the {@link TrainingEngine}.
 *
 * @param runId     the run's name (used in Spark job descriptions)
 * @param runDir    the run's directory on any Hadoop path; checkpoints go to {@code runDir/checkpoints}
 * @param data      training records: a long {@code id} plus the {@code columns}
 * @param dataName  the data's name or path, for error messages
 * @param resume    continue from the newest checkpoint if one exists (else start fresh)
 * @param initial   parameters to start from instead of the factory's initialisation (null = factory's)
 * @param stopEpoch stop this invocation once this many epochs of the run are done (0 = at {@code engine.epochs});
 *                  the optimizer and its learning-rate schedule still span all {@code engine.epochs}, and the
 *                  epoch end is checkpointed, so a later invocation with {@code resume} (possibly on other records
 *                  of the same layout, e.g. re-mined negatives) continues exactly where this one stopped
 */
public record TrainingSpec(String runId, String runDir, Dataset<Row> data, String dataName, List<ColumnSpec> columns,
                           TrainableFactory factory, AlgorithmState algorithm, boolean resume,
                           TrainingListener listener, float[] initial, int stopEpoch) {
    public TrainingSpec {
        algorithm = algorithm == null ? AlgorithmState.NONE : algorithm;
        listener = listener == null ? new TrainingListener() {
        } : listener;
        if (stopEpoch < 0) {
            throw new IllegalArgumentException("stopEpoch must be >= 0 (0 = all epochs), got " + stopEpoch);
        }
    }

    /** A run of all {@code engine.epochs} epochs. */
    public TrainingSpec(String runId, String runDir, Dataset<Row> data, String dataName, List<ColumnSpec> columns,
                        TrainableFactory factory, AlgorithmState algorithm, boolean resume,
                        TrainingListener listener, float[] initial) {
        this(runId, runDir, data, dataName, columns, factory, algorithm, resume, listener, initial, 0);
    }
}
