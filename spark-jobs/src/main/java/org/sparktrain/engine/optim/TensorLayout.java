package org.sparktrain.engine.optim;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Where each parameter tensor (a layer's weight matrix, a bias vector, ...) lies in the flat parameter vector:
 * tensor i occupies entries {@code [offsets[i], offsets[i] + lengths[i])}. The tensors tile {@code [0, numParams)}
 * in increasing offset order without gaps or overlaps. Per-tensor rules (L-DoG) take their norms within each tensor.
 *
 * @param names   tensor names (e.g. DL4J's {@code 0_W}, {@code 0_b}), for messages
 * @param offsets first entry of each tensor in the flat vector, increasing
 * @param lengths number of entries of each tensor
 */
public record TensorLayout(List<String> names, long[] offsets, long[] lengths) implements Serializable {
    public TensorLayout {
        names = List.copyOf(names);
        offsets = offsets.clone();
        lengths = lengths.clone();
        if (names.size() != offsets.length || offsets.length != lengths.length || offsets.length == 0) {
            throw new IllegalArgumentException("a tensor layout needs one name, offset and length per tensor (at least one)");
        }
        long next = 0;
        for (int i = 0; i < offsets.length; i++) {
            if (offsets[i] != next || lengths[i] <= 0) {
                throw new IllegalArgumentException("tensor " + names.get(i) + " at [" + offsets[i] + ", "
                        + (offsets[i] + lengths[i]) + ") does not continue the flat vector at " + next
                        + " (tensors must tile the parameter vector without gaps or overlaps)");
            }
            next += lengths[i];
        }
    }

    /** The whole vector as one tensor (what DoG, as opposed to L-DoG, uses). */
    public static TensorLayout single(long numParams) {
        return new TensorLayout(List.of("all"), new long[]{0}, new long[]{numParams});
    }

    /**
     * The layout of a model-zoo model's {@link org.sparktrain.zoo.ParamTensors} (tensors following each other from
     * entry 0), checked to cover its {@code numParams} parameters.
     */
    public static TensorLayout of(org.sparktrain.zoo.ParamTensors tensors, long numParams) {
        List<Long> lengths = tensors.lengths();
        long[] offsets = new long[lengths.size()];
        long[] sizes = new long[lengths.size()];
        long at = 0;
        for (int i = 0; i < sizes.length; i++) {
            offsets[i] = at;
            sizes[i] = lengths.get(i);
            at += sizes[i];
        }
        if (at != numParams) {
            throw new IllegalStateException("the model's tensors cover " + at + " of " + numParams + " parameters");
        }
        return new TensorLayout(tensors.names(), offsets, sizes);
    }

    /**
     * The layout of parameter views into one flat vector, e.g. DL4J's {@code MultiLayerNetwork.paramTable()}
     * against {@code params()}: each view's position is its buffer offset relative to the flat vector's, so the
     * result does not depend on the map's order (DL4J stores a convolution's bias before its weights).
     */
    public static TensorLayout ofViews(Map<String, INDArray> views, INDArray flat) {
        List<Map.Entry<String, INDArray>> entries = new ArrayList<>(views.entrySet());
        entries.sort(Comparator.comparingLong(e -> e.getValue().offset()));
        List<String> names = new ArrayList<>();
        long[] offsets = new long[entries.size()];
        long[] lengths = new long[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            names.add(entries.get(i).getKey());
            offsets[i] = entries.get(i).getValue().offset() - flat.offset();
            lengths[i] = entries.get(i).getValue().length();
        }
        TensorLayout layout = new TensorLayout(names, offsets, lengths);
        if (layout.numParams() != flat.length()) {
            throw new IllegalArgumentException("parameter views cover " + layout.numParams() + " of "
                    + flat.length() + " parameters");
        }
        return layout;
    }

    public int numTensors() {
        return offsets.length;
    }

    public long numParams() {
        return offsets[offsets.length - 1] + lengths[lengths.length - 1];
    }

    public int offset(int tensor) {
        return Math.toIntExact(offsets[tensor]);
    }

    public int end(int tensor) {
        return Math.toIntExact(offsets[tensor] + lengths[tensor]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorLayout t && names.equals(t.names) && Arrays.equals(offsets, t.offsets)
                && Arrays.equals(lengths, t.lengths);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * names.hashCode() + Arrays.hashCode(offsets)) + Arrays.hashCode(lengths);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("TensorLayout[");
        for (int i = 0; i < offsets.length; i++) {
            b.append(i == 0 ? "" : ", ").append(names.get(i)).append('@').append(offsets[i]).append('+').append(lengths[i]);
        }
        return b.append(']').toString();
    }
}
