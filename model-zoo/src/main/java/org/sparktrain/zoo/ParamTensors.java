package org.sparktrain.zoo;

import java.util.ArrayList;
import java.util.List;

/**
 * The parameter tensors of a model that keeps all its parameters in one flat vector, in the order they lie in it:
 * tensor i is the {@code lengths().get(i)} entries after tensors 0..i-1. Per-tensor optimizers (L-DoG) take their
 * norms within each tensor; the engine turns this list into its {@code TensorLayout}.
 */
public final class ParamTensors {
    private final List<String> names = new ArrayList<>();
    private final List<Long> lengths = new ArrayList<>();

    /** Appends the next tensor of the flat vector. */
    public ParamTensors add(String name, long length) {
        if (length <= 0) {
            throw new IllegalArgumentException("tensor " + name + " has " + length + " entries");
        }
        names.add(name);
        lengths.add(length);
        return this;
    }

    public List<String> names() {
        return List.copyOf(names);
    }

    public List<Long> lengths() {
        return List.copyOf(lengths);
    }

    /** Σ lengths: the flat vector's length when the list is complete. */
    public long total() {
        return lengths.stream().mapToLong(Long::longValue).sum();
    }
}
