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
 */
public record TrainingSpec(String runId, String runDir, Dataset<Row> data, String dataName, List<ColumnSpec> columns,
                           TrainableFactory factory, AlgorithmState algorithm, boolean resume,
                           TrainingListener listener, float[] initial) {
    public TrainingSpec {
        algorithm = algorithm == null ? AlgorithmState.NONE : algorithm;
        listener = listener == null ? new TrainingListener() {
        } : listener;
    }
}
