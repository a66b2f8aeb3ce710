package org.sparktrain.jobs.biencoder;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.engine.ColumnSpec;
import org.sparktrain.engine.TrainableFactory;
import org.sparktrain.retrieval.encoder.SavedEncoder;
import org.sparktrain.retrieval.encoder.TextEncoder;
import org.sparktrain.retrieval.train.TrainingTriple;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The encoder that {@code train-biencoder} trains (config key {@code encoder}): how its training frame, its replicas
 * on the workers, its initial parameters, its evaluation encoder and its saved model are made. The job, the engine,
 * the loss and model selection are the same for every kind:
 * <ul>
 *   <li>{@value #POOLED} ({@link PooledBiencoderModel}, default): MiniLM's token embeddings, trainable token weights
 *       and a residual layer; fast on CPU;</li>
 *   <li>{@value #MINILM} ({@link MiniLmBiencoderModel}): the whole all-MiniLM-L6-v2 transformer (SameDiff, 22.5M
 *       parameters) from its pretrained weights;</li>
 *   <li>{@value #MINILM_HEAD} ({@link HeadBiencoderModel}): frozen MiniLM (ONNX Runtime, embeddings computed once on
 *       Spark) and a trained residual linear head, starting at MiniLM zero-shot.</li>
 * </ul>
 * Every kind saves a directory that {@link SavedEncoder#load} serves in a plain JVM and that {@code encode},
 * {@code search} and {@code evaluate-retrieval} read.
 */
interface BiencoderModel {
    String POOLED = "pooled";
    String MINILM = "minilm";
    String MINILM_HEAD = "minilm-head";
    List<String> KINDS = List.of(POOLED, MINILM, MINILM_HEAD);

    /** The engine's training records of the triples, shuffled with {@code seed} and cut to whole batches. */
    Dataset<Row> frame(SparkSession spark, BiencoderTraining.Collection c, List<TrainingTriple> triples,
                       BiencoderDataConfig d, int batchSize, long seed);

    /** The engine's columns of {@link #frame}. */
    List<ColumnSpec> columns(BiencoderDataConfig d);

    /** Builds the replicas (driver and workers) for this loss. */
    TrainableFactory factory(BiencoderLossConfig loss);

    /** The parameters training starts from; null = the factory's replica (the pretrained weights). */
    float[] initialParams();

    /** The encoder with the given flat parameters, on the driver (evaluation, model selection, saving). */
    TextEncoder encoder(float[] params) throws IOException;

    /** The model at the start of training (mines the hard negatives of {@code data.triples: model}). */
    TextEncoder start() throws IOException;

    /** Saves the model with the given parameters as a directory of the local file system. */
    void save(float[] params, Path dir) throws IOException;
}
