package org.sparktrain.retrieval.encoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads any saved sparktrain encoder directory by the {@code type} in its {@code encoder.properties}, for serving in
 * a plain JVM (no Spark) and for the {@code encode}, {@code search} and {@code evaluate-retrieval} jobs:
 * <ul>
 *   <li>{@code pooled}: {@link PooledTextEncoder} (token embeddings, weights, residual layer);</li>
 *   <li>{@code minilm}: {@link MiniLmSameDiffEncoder} (the whole transformer, SameDiff);</li>
 *   <li>{@code minilm-head}: {@link HeadTextEncoder} (frozen MiniLM on ONNX Runtime + trained residual head).</li>
 * </ul>
 * Every type is self-contained: no model artifact is needed on the class path.
 */
public final class SavedEncoder {
    /** The saved types. */
    public static final List<String> TYPES = List.of(PooledTextEncoder.TYPE, MiniLmSameDiffEncoder.TYPE,
            HeadTextEncoder.TYPE);

    private SavedEncoder() {
    }

    /** True when {@code dir} has an {@code encoder.properties}. */
    public static boolean isSaved(Path dir) {
        return Files.exists(dir.resolve(ModelDirectory.PROPERTIES));
    }

    /** The type of a saved encoder; an error naming the file when it is missing or unknown. */
    public static String type(Path dir) throws IOException {
        String type = ModelDirectory.read(dir).getProperty("type");
        if (!TYPES.contains(type)) {
            throw new IOException(dir.resolve(ModelDirectory.PROPERTIES) + ": unknown encoder type '" + type
                    + "' (known: " + String.join(", ", TYPES) + ")");
        }
        return type;
    }

    /** Loads the encoder; ONNX Runtime (type {@code minilm-head}) uses all the machine's cores. */
    public static TextEncoder load(Path dir) throws IOException {
        return load(dir, Runtime.getRuntime().availableProcessors());
    }

    /** Loads the encoder; {@code threads} is the ONNX Runtime thread count of type {@code minilm-head}. */
    public static TextEncoder load(Path dir, int threads) throws IOException {
        return switch (type(dir)) {
            case PooledTextEncoder.TYPE -> PooledTextEncoder.load(dir);
            case MiniLmSameDiffEncoder.TYPE -> MiniLmSameDiffEncoder.load(dir);
            case HeadTextEncoder.TYPE -> HeadTextEncoder.load(dir, threads);
            default -> throw new IllegalStateException("unreachable");
        };
    }

    /** A serialisable factory that loads the saved encoder where it runs (e.g. once per Spark partition). */
    public static TextEncoder.Factory factory(String dir, int threads) {
        return () -> load(Path.of(dir), threads);
    }
}
