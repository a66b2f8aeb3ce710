package org.sparktrain.zoo.grownet;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained (or growing) GrowNet ensemble: F(x) = c0 + α · Σ_{k=1..K} f_k(x̃), where x̃ = t(x) are the raw
 * features (d of them) mapped by the model's fitted {@link FeatureScaling} ((x − mean)/sd, or rank-Gauss), f_k are {@link WeakLearner}s (learner k &gt; 1 reads x̃ and the previous
 * learner's penultimate features φ_{k−1}) and α is the single learned boost rate. Predictions run in eval mode
 * (BatchNorm running statistics) in a plain JVM on plain Java arrays, no Spark or native library needed: {@link #score(float[])}, {@link #scores}.
 * For {@link GrowNetTask#BINARY} the score is the log-odds of the positive class; {@link #probability} is σ(F).
 *
 * <p>Flat views for training: {@link #flatParams()} = all learners' parameters in order, then α;
 * {@link #flatRunning()} = all learners' running statistics in order.
 *
 * <p>Reference: S. Badirli, X. Liu, Z. Xing, A. Bhowmik, K. Doan, S. S. Keerthi, "Gradient Boosting Neural Networks:
 * GrowNet", arXiv:2002.07971, 2020.
 */
public final class GrowNetModel {
    /** Format 1: standardisation (mean, scale) only. */
    private static final int MAGIC_V1 = 0x47524E31; // "GRN1"
    /** Format 2: a {@link FeatureScaling} of any kind. */
    private static final int MAGIC = 0x47524E32; // "GRN2"

    private final GrowNetTask task;
    private final int inputs;
    private final int hidden;
    private final FeatureScaling scaling;
    private final double initialScore;
    private double boostRate;
    private final List<WeakLearner> learners;

    /** A model whose inputs are the standardised features (x − featureMean)/featureScale. */
    public GrowNetModel(GrowNetTask task, int inputs, int hidden, double[] featureMean, double[] featureScale,
                        double initialScore, double boostRate, List<WeakLearner> learners) {
        this(task, inputs, hidden, new StandardScaling(featureMean, featureScale), initialScore, boostRate, learners);
    }

    public GrowNetModel(GrowNetTask task, int inputs, int hidden, FeatureScaling scaling, double initialScore,
                        double boostRate, List<WeakLearner> learners) {
        if (scaling.inputs() != inputs) {
            throw new IllegalArgumentException("feature scaling must cover " + inputs + " features, covers "
                    + scaling.inputs());
        }
        this.task = task;
        this.inputs = inputs;
        this.hidden = hidden;
        this.scaling = scaling;
        this.initialScore = initialScore;
        this.boostRate = boostRate;
        this.learners = new ArrayList<>(learners);
    }

    public GrowNetTask task() {
        return task;
    }

    public int inputs() {
        return inputs;
    }

    public int hidden() {
        return hidden;
    }

    /** The fitted map from raw features to network inputs (immutable, shared by copies). */
    public FeatureScaling scaling() {
        return scaling;
    }

    public double initialScore() {
        return initialScore;
    }

    public double boostRate() {
        return boostRate;
    }

    public void setBoostRate(double alpha) {
        this.boostRate = alpha;
    }

    public int numLearners() {
        return learners.size();
    }

    public WeakLearner learner(int k) {
        return learners.get(k);
    }

    public void addLearner(WeakLearner learner) {
        if (learner.inputs() != inputs || learner.hidden() != hidden || learner.stacked() != !learners.isEmpty()) {
            throw new IllegalArgumentException("learner " + (learners.size() + 1) + " does not fit the ensemble");
        }
        learners.add(learner);
    }

    /** A deep copy (snapshot of the best stage). */
    public GrowNetModel copy() {
        List<WeakLearner> l = new ArrayList<>();
        learners.forEach(w -> l.add(w.copy()));
        return new GrowNetModel(task, inputs, hidden, scaling, initialScore,
                boostRate, l);
    }

    /** A copy holding only the first {@code k} learners (and the same α). */
    public GrowNetModel prefix(int k) {
        List<WeakLearner> l = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            l.add(learners.get(i).copy());
        }
        return new GrowNetModel(task, inputs, hidden, scaling, initialScore,
                boostRate, l);
    }

    /** Maps raw feature rows (row-major, rows x d) to network inputs with the model's {@link FeatureScaling}. */
    public double[] standardize(float[] rowMajor, int rows) {
        return scaling.apply(rowMajor, rows);
    }

    /** Eval-mode scores F (rows) and the last learner's φ_K (rows, H; null without learners) of standardised rows. */
    public WeakLearner.Output evaluate(double[] standardized, int rows) {
        double[] sum = new double[rows];
        double[] phi = null;
        for (WeakLearner w : learners) {
            WeakLearner.Output out = w.forwardEval(standardized, phi, rows);
            phi = out.phi();
            for (int i = 0; i < rows; i++) {
                sum[i] += out.f()[i];
            }
        }
        for (int i = 0; i < rows; i++) {
            sum[i] = initialScore + boostRate * sum[i];
        }
        return new WeakLearner.Output(phi, sum);
    }

    /** F of raw feature rows (row-major, {@code rows x d}). */
    public double[] scores(float[] rowMajor, int rows) {
        return evaluate(standardize(rowMajor, rows), rows).f();
    }

    /** F of one raw feature vector. */
    public double score(float[] features) {
        return scores(features, 1)[0];
    }

    /** σ(F) for {@link GrowNetTask#BINARY}. */
    public double probability(float[] features) {
        if (task != GrowNetTask.BINARY) {
            throw new IllegalStateException("probability is defined for binary models, this one is " + task);
        }
        return GrowNetTask.sigmoid(score(features));
    }

    public int numParams() {
        int n = 1;
        for (WeakLearner w : learners) {
            n += w.params().length;
        }
        return n;
    }

    /** All learners' parameters in order, then α. */
    /** The tensors of {@link #flatParams()}: every learner's ({@code learner0.W1}, ...), then {@code alpha}. */
    public org.sparktrain.zoo.ParamTensors tensors() {
        org.sparktrain.zoo.ParamTensors out = new org.sparktrain.zoo.ParamTensors();
        for (int i = 0; i < learners.size(); i++) {
            learners.get(i).tensors("learner" + i, out);
        }
        return out.add("alpha", 1);
    }

    public double[] flatParams() {
        double[] out = new double[numParams()];
        int o = 0;
        for (WeakLearner w : learners) {
            System.arraycopy(w.params(), 0, out, o, w.params().length);
            o += w.params().length;
        }
        out[o] = boostRate;
        return out;
    }

    public void setFlatParams(double[] flat) {
        if (flat.length != numParams()) {
            throw new IllegalArgumentException("expected " + numParams() + " parameters, got " + flat.length);
        }
        int o = 0;
        for (WeakLearner w : learners) {
            System.arraycopy(flat, o, w.params(), 0, w.params().length);
            o += w.params().length;
        }
        boostRate = flat[o];
    }

    public double[] flatRunning() {
        int n = 0;
        for (WeakLearner w : learners) {
            n += w.running().length;
        }
        double[] out = new double[n];
        int o = 0;
        for (WeakLearner w : learners) {
            System.arraycopy(w.running(), 0, out, o, w.running().length);
            o += w.running().length;
        }
        return out;
    }

    public void setFlatRunning(double[] flat) {
        int o = 0;
        for (WeakLearner w : learners) {
            System.arraycopy(flat, o, w.running(), 0, w.running().length);
            o += w.running().length;
        }
        if (o != flat.length) {
            throw new IllegalArgumentException("expected " + o + " running statistics, got " + flat.length);
        }
    }

    /** Writes the model in sparktrain's binary GrowNet format (big-endian, versioned). */
    public void write(OutputStream stream) throws IOException {
        DataOutputStream out = new DataOutputStream(stream);
        out.writeInt(MAGIC);
        out.writeUTF(task.name());
        out.writeInt(inputs);
        out.writeInt(hidden);
        FeatureScaling.write(scaling, out);
        out.writeDouble(initialScore);
        out.writeDouble(boostRate);
        out.writeInt(learners.size());
        for (WeakLearner w : learners) {
            out.writeBoolean(w.stacked());
            writeArray(out, w.params());
            writeArray(out, w.running());
        }
        out.flush();
    }

    /** Reads a model written by {@link #write}; {@code source} names the input in error messages. */
    public static GrowNetModel read(InputStream stream, String source) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        int magic = in.readInt();
        if (magic != MAGIC && magic != MAGIC_V1) {
            throw new IOException(source + ": not a sparktrain GrowNet model (bad magic number)");
        }
        GrowNetTask task;
        try {
            task = GrowNetTask.valueOf(in.readUTF());
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": unknown GrowNet task", e);
        }
        int d = in.readInt();
        int h = in.readInt();
        FeatureScaling scaling = magic == MAGIC_V1 ? new StandardScaling(readArray(in), readArray(in))
                : FeatureScaling.read(in, d, source);
        double c0 = in.readDouble();
        double alpha = in.readDouble();
        int k = in.readInt();
        List<WeakLearner> learners = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            boolean stacked = in.readBoolean();
            try {
                learners.add(new WeakLearner(d, h, stacked, readArray(in), readArray(in)));
            } catch (IllegalArgumentException e) {
                throw new IOException(source + ": learner " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new GrowNetModel(task, d, h, scaling, c0, alpha, learners);
    }

    private static void writeArray(DataOutputStream out, double[] a) throws IOException {
        DoubleArrayIo.write(out, a);
    }

    private static double[] readArray(DataInputStream in) throws IOException {
        return DoubleArrayIo.read(in);
    }
}
