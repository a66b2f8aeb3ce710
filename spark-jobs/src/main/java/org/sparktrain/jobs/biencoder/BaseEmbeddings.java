package org.sparktrain.jobs.biencoder;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.jobs.retrieval.DistributedRetrieval;
import org.sparktrain.retrieval.encoder.MiniLmFiles;
import org.sparktrain.retrieval.encoder.OnnxMiniLmEncoder;
import org.sparktrain.retrieval.encoder.TextEncoder;
import org.sparktrain.retrieval.encoder.WordPieceTokenizer;
import scala.Tuple2;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The frozen base of {@code encoder: minilm-head}: all-MiniLM-L6-v2 sentence embeddings (ONNX Runtime, texts cut at
 * {@code maxLength} tokens), computed for whole sets of texts on Spark ({@link #precompute}: one ONNX session per
 * partition, one thread per task, texts sorted by length so batches pad little) and kept by text on the driver, where
 * training frames, evaluation and model selection read them without encoding again. A text never precomputed is
 * encoded on the driver. {@link #close} does nothing: the embeddings are shared by every encoder built on them.
 */
public final class BaseEmbeddings implements TextEncoder {
    private static final int BATCH = 32;
    private final String minilm;
    private final int maxLength;
    private final Map<String, float[]> byText = new HashMap<>();
    private OnnxMiniLmEncoder local;

    /** @param minilm the artifact's location ({@link MiniLmArtifact}; null = class path) */
    BaseEmbeddings(String minilm, int maxLength) {
        this.minilm = minilm;
        this.maxLength = maxLength;
    }

    /** Encodes the texts not yet known on Spark, in {@code partitions} partitions, and keeps their embeddings. */
    void precompute(SparkSession spark, Collection<String> texts, int partitions) {
        List<String> missing = new ArrayList<>(new LinkedHashSet<>(texts));
        missing.removeIf(byText::containsKey);
        if (missing.isEmpty()) {
            return;
        }
        missing.sort(Comparator.comparingInt(String::length));
        List<Tuple2<String, String>> keyed = new ArrayList<>(missing.size());
        for (int i = 0; i < missing.size(); i++) {
            keyed.add(new Tuple2<>(Integer.toString(i), missing.get(i)));
        }
        JavaRDD<Tuple2<String, String>> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(keyed, Math.max(1, Math.min(partitions, missing.size())));
        for (Tuple2<String, float[]> e : DistributedRetrieval.encode(rdd, onnx(minilm, maxLength, 1), BATCH).collect()) {
            byText.put(missing.get(Integer.parseInt(e._1())), e._2());
        }
    }

    /** A serialisable factory of the ONNX base (the artifact is read where it runs). */
    public static TextEncoder.Factory onnx(String minilm, int maxLength, int threads) {
        return () -> {
            WordPieceTokenizer tokenizer = WordPieceTokenizer.fromTokenizerJson(
                    new ByteArrayInputStream(MiniLmArtifact.read(minilm, MiniLmFiles.TOKENIZER)), MiniLmFiles.TOKENIZER);
            return OnnxMiniLmEncoder.load(MiniLmArtifact.read(minilm, MiniLmFiles.ONNX), tokenizer, maxLength, threads);
        };
    }

    /** The embedding of a text (encoded on the driver if it was not precomputed). */
    float[] get(String text) {
        return encode(List.of(text))[0];
    }

    @Override
    public float[][] encode(List<String> texts) {
        List<String> unknown = new ArrayList<>(new LinkedHashSet<>(texts));
        unknown.removeIf(byText::containsKey);
        if (!unknown.isEmpty()) {
            try {
                if (local == null) {
                    local = (OnnxMiniLmEncoder) onnx(minilm, maxLength, Runtime.getRuntime().availableProcessors())
                            .create();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            float[][] e = local.encode(unknown, BATCH);
            for (int i = 0; i < e.length; i++) {
                byText.put(unknown.get(i), e[i]);
            }
        }
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = byText.get(texts.get(i));
        }
        return out;
    }

    @Override
    public int dimension() {
        return MiniLmFiles.DIMENSION;
    }

    @Override
    public void close() {
    }
}
