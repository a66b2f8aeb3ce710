package org.sparktrain.jobs.biencoder;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.engine.EngineConfig;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.engine.TrainingEngine;
import org.sparktrain.engine.TrainingListener;
import org.sparktrain.engine.TrainingResult;
import org.sparktrain.engine.TrainingSpec;
import org.sparktrain.retrieval.encoder.PooledEncoder;
import org.sparktrain.retrieval.encoder.PooledTextEncoder;
import org.sparktrain.retrieval.encoder.TokenEmbeddingTable;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Trains pooled bi-encoders with the distributed engine from code (the Cranfield bench, notebooks): the frozen
 * token table is written once into {@code workDir}, each {@link #train} call runs a fresh engine run in
 * {@code workDir/<name>} (a previous run of that name is deleted, so it never resumes) and returns the trained
 * model (the optimizer's evaluation parameters) and the engine's training wall-clock.
 */
public final class BiencoderTrainingRun {
    private final SparkSession spark;
    private final TokenEmbeddingTable table;
    private final int padId;
    private final EngineConfig engine;
    private final OptimizerConfig optimizer;
    private final String workDir;
    private final String tablePath;

    public BiencoderTrainingRun(SparkSession spark, TokenEmbeddingTable table, int padId, EngineConfig engine,
                                OptimizerConfig optimizer, String workDir) {
        this.spark = spark;
        this.table = table;
        this.padId = padId;
        this.engine = engine;
        this.optimizer = optimizer;
        this.workDir = workDir;
        this.tablePath = new Path(workDir, "token-embeddings.bin").toString();
        try {
            BiencoderFactory.writeTable(table, tablePath, spark.sparkContext().hadoopConfiguration());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + tablePath, e);
        }
    }

    private BiencoderTrainingRun(BiencoderTrainingRun base, EngineConfig engine, OptimizerConfig optimizer) {
        this.spark = base.spark;
        this.table = base.table;
        this.padId = base.padId;
        this.engine = engine;
        this.optimizer = optimizer;
        this.workDir = base.workDir;
        this.tablePath = base.tablePath;
    }

    /** The same token table (not written again) and work directory with another engine and optimizer setting. */
    public BiencoderTrainingRun with(EngineConfig engine, OptimizerConfig optimizer) {
        return new BiencoderTrainingRun(this, engine, optimizer);
    }

    /** Trained {@code minilm-head} parameters ([W | c], evaluation point of the optimizer) and the training time. */
    public record HeadOutcome(double[] params, double trainSeconds, TrainingResult result) {
    }

    /**
     * Trains a {@code minilm-head} bi-encoder ({@link HeadBiencoderFactory}) on an
     * {@link BiencoderTraining#embeddingFrame} in a fresh run directory {@code workDir/name}, starting from W = 0,
     * c = 0 (the frozen base encoder).
     */
    public static HeadOutcome trainHead(SparkSession spark, EngineConfig engine, OptimizerConfig optimizer,
                                        String workDir, String name, BiencoderLossConfig loss, Dataset<Row> frame,
                                        int dim) throws IOException {
        Path runDir = new Path(workDir, name);
        FileSystem fs = runDir.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (fs.exists(runDir)) {
            fs.delete(runDir, true);
        }
        HeadBiencoderFactory factory = new HeadBiencoderFactory(dim, loss);
        TrainingSpec spec = new TrainingSpec(name, runDir.toString(), frame, "triples",
                BiencoderTraining.embeddingColumns(dim), factory, null, false, new TrainingListener() {
        }, new float[(int) ((long) dim * dim + dim)]);
        TrainingResult result = new TrainingEngine(spark, engine, optimizer).train(spec);
        float[] p = result.evalParams();
        double[] params = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            params[i] = p[i];
        }
        return new HeadOutcome(params, result.trainSeconds(), result);
    }

    /**
     * A trained model, the engine's wall-clock seconds of training rounds (no evaluation) and, with model
     * selection, the selection (curve and chosen step; else null). {@code model} is the selected point.
     */
    public record Outcome(PooledTextEncoder model, double trainSeconds, TrainingResult result,
                          ValidationSelection selection) {
        /** The parameters of {@link #model}. */
        public float[] params() {
            return selection == null ? result.evalParams() : selection.bestParams();
        }
    }

    /**
     * @param frame   training triples ({@link BiencoderTraining#frame})
     * @param initial initial parameters ({@link BiencoderTraining#initialParams})
     */
    public Outcome train(String name, BiencoderLossConfig loss, Dataset<Row> frame, BiencoderDataConfig data,
                         float[] initial, byte[] tokenizerJson) throws IOException {
        return train(name, loss, frame, data, initial, tokenizerJson, BiencoderSelectionConfig.defaults(), null);
    }

    /**
     * As above, with model selection ({@link BiencoderSelectionConfig}): with {@code validation-ndcg10}, {@code scorer}
     * scores the evaluation point at every {@code everySteps} steps and epoch end, and the outcome's model is the
     * best point ({@link ValidationSelection}).
     */
    public Outcome train(String name, BiencoderLossConfig loss, Dataset<Row> frame, BiencoderDataConfig data,
                         float[] initial, byte[] tokenizerJson, BiencoderSelectionConfig selection,
                         ValidationSelection.Scorer scorer) throws IOException {
        Path runDir = new Path(workDir, name);
        FileSystem fs = runDir.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (fs.exists(runDir)) {
            fs.delete(runDir, true);
        }
        BiencoderFactory factory = new BiencoderFactory(tablePath, loss, padId);
        ValidationSelection chooser = selection.selects() ? new ValidationSelection(scorer, null) : null;
        TrainingSpec spec = new TrainingSpec(name, runDir.toString(), frame, "triples", BiencoderTraining.columns(data),
                factory, null, false, chooser == null ? new TrainingListener() {
        } : chooser, initial);
        TrainingResult result = new TrainingEngine(spark, selection.engineFor(engine), optimizer).train(spec);
        PooledTextEncoder model = new PooledTextEncoder(new PooledEncoder(table), tokenizerJson,
                chooser == null ? result.evalParams() : chooser.bestParams(), data.maxDocumentLength());
        return new Outcome(model, result.trainSeconds(), result, chooser);
    }
}
