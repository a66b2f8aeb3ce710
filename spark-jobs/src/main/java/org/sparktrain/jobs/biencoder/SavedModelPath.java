package org.sparktrain.jobs.biencoder;

import org.sparktrain.data.BadInputException;
import org.sparktrain.retrieval.encoder.SavedEncoder;
import org.sparktrain.retrieval.encoder.TextEncoder;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The {@code model} setting of {@code encode}, {@code search} and {@code evaluate-retrieval}: a saved bi-encoder
 * directory of any type ({@link SavedEncoder}: pooled, minilm, minilm-head) on the local file system of the driver
 * and of every executor (e.g. a shared mount, or local mode).
 */
final class SavedModelPath {
    private SavedModelPath() {
    }

    /** The model's type; a {@link BadInputException} naming the directory when it is not a saved encoder. */
    static String require(String model) {
        try {
            return SavedEncoder.type(Path.of(model));
        } catch (IOException e) {
            throw new BadInputException("model: " + e.getMessage(), e);
        }
    }

    /** Loads the model where it runs: one Spark task uses one core, so ONNX Runtime gets one thread. */
    static TextEncoder.Factory onExecutors(String model) {
        return SavedEncoder.factory(model, 1);
    }

    /** Loads the model on the driver (all its cores). */
    static TextEncoder onDriver(String model) throws IOException {
        return SavedEncoder.load(Path.of(model));
    }
}
