package org.sparktrain.engine.optim;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of one optimizer: named per-entry vectors (float, {@code n} entries each, e.g. Adam's m and v, or fewer
 * for a vector kept on a subset of the entries, e.g. Prodigy's s and x0 with slice_p &gt; 1) and named
 * global scalars (double, e.g. D-Adaptation's d and N, the step count k), with their flat float form for the
 * engine's checkpoints and its {@code local-sgd} synchronisation rule.
 *
 * <p><b>Flat layout</b> ({@link #toFloats()}): the vectors in declaration order, each with its length, then the
 * scalars in declaration order, {@value ExactDoubles#FLOATS} floats each ({@link ExactDoubles}: exact round trip).
 *
 * <p><b>local-sgd</b>: every slot declares a {@link Sync} rule. {@link Sync#AVERAGE} slots are averaged over the
 * workers (the replicas' linear state s, m, z, x, x̄, Adam's v, and the adaptive scalars d, N, r̄, G, which keeps d
 * non-decreasing: a mean of values that are each at least the common start is at least the start).
 * {@link Sync#LEADER} slots are taken from worker 0, which the other workers achieve by contributing zeros to the
 * sum: the anchor x0, which must never be averaged, and counters and schedule bookkeeping (k, Σw, lr_max), which
 * are equal on all replicas except when a worker had an empty final batch and skipped a step (worker 0 never has
 * fewer records than another worker, so it never skips one that others take).
 */
public final class FlatState {
    /** How {@code local-sgd} combines a slot over workers. */
    public enum Sync {
        /** Arithmetic mean over workers. */
        AVERAGE,
        /** Worker 0's value (identical by construction, or bookkeeping that must stay consistent). */
        LEADER
    }

    private final long n;
    private final List<String> vectorNames = new ArrayList<>();
    private final List<Sync> vectorSync = new ArrayList<>();
    private final List<INDArray> vectors = new ArrayList<>();
    private final List<Integer> lengths = new ArrayList<>();
    private final List<String> scalarNames = new ArrayList<>();
    private final List<Sync> scalarSync = new ArrayList<>();
    private final List<Double> initial = new ArrayList<>();
    private double[] scalars = new double[0];

    /** @param n entries of the parameter vector (and the default length of a state vector) */
    public FlatState(long n) {
        if (n <= 0 || n > Integer.MAX_VALUE / 8) {
            throw new IllegalArgumentException("unsupported number of parameters " + n);
        }
        this.n = n;
    }

    /** Declares a zero-initialised vector slot of {@code n} entries; returns its index for {@link #vector(int)}. */
    public int addVector(String name, Sync sync) {
        return addVector(name, sync, (int) n);
    }

    /** Declares a zero-initialised vector slot of {@code length} entries (1..n); returns its index. */
    public int addVector(String name, Sync sync, int length) {
        if (length <= 0 || length > n) {
            throw new IllegalArgumentException("vector " + name + ": length must be in 1.." + n + ", got " + length);
        }
        vectorNames.add(name);
        vectorSync.add(sync);
        vectors.add(Nd4j.zeros(DataType.FLOAT, length));
        lengths.add(length);
        return vectors.size() - 1;
    }

    /** Declares a scalar slot with its initial value; returns its index for {@link #get(int)}. */
    public int addScalar(String name, Sync sync, double initialValue) {
        scalarNames.add(name);
        scalarSync.add(sync);
        initial.add(initialValue);
        scalars = java.util.Arrays.copyOf(scalars, scalars.length + 1);
        scalars[scalars.length - 1] = initialValue;
        return scalars.length - 1;
    }

    public long numParams() {
        return n;
    }

    /** The live vector of a slot (rank 1, its declared length); optimizers update it in place. */
    public INDArray vector(int slot) {
        return vectors.get(slot);
    }

    public double get(int slot) {
        return scalars[slot];
    }

    public void set(int slot, double value) {
        scalars[slot] = value;
    }

    public int size() {
        return Math.toIntExact(vectorFloats() + (long) scalars.length * ExactDoubles.FLOATS);
    }

    private long vectorFloats() {
        long sum = 0;
        for (int length : lengths) {
            sum += length;
        }
        return sum;
    }

    /** The flat float form (see the class comment). */
    public float[] toFloats() {
        float[] out = new float[size()];
        int o = 0;
        for (int i = 0; i < vectors.size(); i++) {
            System.arraycopy(vectors.get(i).toFloatVector(), 0, out, o, lengths.get(i));
            o += lengths.get(i);
        }
        for (double s : scalars) {
            ExactDoubles.encode(s, out, o);
            o += ExactDoubles.FLOATS;
        }
        return out;
    }

    /** Restores from {@link #toFloats()}'s form; the length must match this layout. */
    public void fromFloats(float[] values) {
        if (values.length != size()) {
            throw new IllegalArgumentException("optimizer state has " + size() + " values (" + describe()
                    + "), got " + values.length);
        }
        int o = 0;
        for (int i = 0; i < vectors.size(); i++) {
            vectors.get(i).assign(Nd4j.createFromArray(java.util.Arrays.copyOfRange(values, o, o + lengths.get(i))));
            o += lengths.get(i);
        }
        for (int i = 0; i < scalars.length; i++) {
            scalars[i] = ExactDoubles.decode(values, o);
            o += ExactDoubles.FLOATS;
        }
    }

    /** Back to the initial state (zero vectors, initial scalars). */
    public void reset() {
        vectors.forEach(v -> v.assign(0));
        for (int i = 0; i < scalars.length; i++) {
            scalars[i] = initial.get(i);
        }
    }

    /** The scalars by name, in declaration order. */
    public Map<String, Double> scalarMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < scalars.length; i++) {
            m.put(scalarNames.get(i), scalars[i]);
        }
        return m;
    }

    /**
     * e.g. {@code vectors [s, m, v] x 259; scalars [d, N, k] (3 floats each)}, or with shorter vectors
     * {@code vectors [x0 x 130, s x 130, m x 259, v x 259]; scalars ...}.
     */
    public String describe() {
        String scalarPart = "; scalars " + scalarNames + " (" + ExactDoubles.FLOATS + " floats each)";
        if (lengths.stream().allMatch(l -> l == n)) {
            return "vectors " + vectorNames + " x " + n + scalarPart;
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            parts.add(vectorNames.get(i) + " x " + lengths.get(i));
        }
        return "vectors " + parts + scalarPart;
    }

    /** This replica's summand for local-sgd: vectors as floats, scalars as doubles (zeros for LEADER slots unless leader). */
    public FlatOptimizer.SyncPart contribution(boolean leader) {
        float[] floats = new float[Math.toIntExact(vectorFloats())];
        int o = 0;
        for (int i = 0; i < vectors.size(); i++) {
            if (leader || vectorSync.get(i) == Sync.AVERAGE) {
                System.arraycopy(vectors.get(i).toFloatVector(), 0, floats, o, lengths.get(i));
            }
            o += lengths.get(i);
        }
        double[] doubles = new double[scalars.length];
        for (int i = 0; i < scalars.length; i++) {
            doubles[i] = leader || scalarSync.get(i) == Sync.AVERAGE ? scalars[i] : 0.0;
        }
        return new FlatOptimizer.SyncPart(floats, doubles);
    }

    /** Applies the sums over {@code workers} of {@link #contribution}: AVERAGE slots divide by the worker count. */
    public void applySums(FlatOptimizer.SyncPart sums, int workers) {
        if (sums.floats().length != vectorFloats() || sums.doubles().length != scalars.length) {
            throw new IllegalArgumentException("local-sgd sums do not match the optimizer state " + describe());
        }
        int o = 0;
        for (int i = 0; i < vectors.size(); i++) {
            float[] part = java.util.Arrays.copyOfRange(sums.floats(), o, o + lengths.get(i));
            o += lengths.get(i);
            if (vectorSync.get(i) == Sync.AVERAGE) {
                for (int j = 0; j < part.length; j++) {
                    part[j] /= workers;
                }
            }
            vectors.get(i).assign(Nd4j.createFromArray(part));
        }
        for (int i = 0; i < scalars.length; i++) {
            scalars[i] = scalarSync.get(i) == Sync.AVERAGE ? sums.doubles()[i] / workers : sums.doubles()[i];
        }
    }
}
