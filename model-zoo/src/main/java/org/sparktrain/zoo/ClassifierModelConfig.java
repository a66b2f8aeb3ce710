package org.sparktrain.zoo;

import java.util.List;

/**
 * Configuration of an image/feature classifier from the model zoo.
 *
 * @param type   {@code lenet5} ({@link LeNet5Model}) or {@code mlp} ({@link MlpModel}); default {@code lenet5}
 * @param hidden hidden layer widths of the MLP; default {@code [256]}; ignored by LeNet-5
 * @param implementation how LeNet-5 is trained: {@code fast} ({@link FastLeNet5Model}, default) or {@code dl4j}
 *                       (DL4J's network); both compute the same function with the same parameter layout, and the
 *                       saved model is always the DL4J network. The MLP is always DL4J's.
 */
public record ClassifierModelConfig(String type, List<Integer> hidden, String implementation)
        implements java.io.Serializable {
    public static final List<String> TYPES = List.of("lenet5", "mlp");
    public static final List<String> IMPLEMENTATIONS = List.of("fast", "dl4j");

    public ClassifierModelConfig(String type, List<Integer> hidden) {
        this(type, hidden, null);
    }

    public ClassifierModelConfig {
        if (implementation == null) {
            implementation = "fast";
        }
        if (!IMPLEMENTATIONS.contains(implementation)) {
            throw new IllegalArgumentException("implementation: unknown '" + implementation + "', expected one of "
                    + IMPLEMENTATIONS);
        }
        if (type == null) {
            type = "lenet5";
        }
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("type: unknown model type '" + type + "', expected one of " + TYPES);
        }
        hidden = hidden == null ? List.of(256) : List.copyOf(hidden);
        for (Integer h : hidden) {
            if (h == null || h <= 0) {
                throw new IllegalArgumentException("hidden: layer widths must be positive, got " + hidden);
            }
        }
    }

    public static ClassifierModelConfig defaults() {
        return new ClassifierModelConfig(null, null, null);
    }
}
