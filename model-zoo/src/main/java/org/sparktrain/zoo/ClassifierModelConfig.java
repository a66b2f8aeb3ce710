package org.sparktrain.zoo;

import java.util.List;

/**
 * Configuration of an image/feature classifier from the model zoo.
 *
 * @param type   {@code lenet5} ({@link LeNet5Model}) or {@code mlp} ({@link MlpModel}); default {@code lenet5}
 * @param hidden hidden layer widths of the MLP; default {@code [256]}; ignored by LeNet-5
 */
public record ClassifierModelConfig(String type, List<Integer> hidden) implements java.io.Serializable {
    public static final List<String> TYPES = List.of("lenet5", "mlp");

    public ClassifierModelConfig {
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
        return new ClassifierModelConfig(null, null);
    }
}
