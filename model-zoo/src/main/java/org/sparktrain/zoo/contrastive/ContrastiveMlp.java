package org.sparktrain.zoo.contrastive;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.SplittableRandom;

/**
 * An MLP encoder with a 2-layer projection head for contrastive learning (SimCLR / SogCLR / iSogCLR), with a
 * hand-written forward and backward pass on ND4J matrix ops (no DL4J layers, no SameDiff).
 *
 * <p>Architecture, for inputs x (B×D, a flattened image):
 * <pre>
 *   encoder:  a = relu(x W1 + b1)        (B×H)      W1: D×H
 *             f = relu(a W2 + b2)        (B×F)      W2: H×F     f = the representation (linear probe input)
 *   head:     q = relu(f W3 + b3)        (B×Q)      W3: F×Q
 *             z = q W4 + b4              (B×P)      W4: Q×P     z = the projection the contrastive loss sees
 * </pre>
 * The contrastive losses L2-normalise z themselves. As in SimCLR (Chen et al., ICML 2020, arXiv 2002.05709) the
 * head is used only for training; downstream tasks use f. Unlike LibAUC's head this one has no batch
 * normalisation: a BN layer couples the rows of a batch, so it would break the engine's guarantee that W workers
 * equal one worker on the combined batch.
 *
 * <p>Backward, from g = ∂L/∂z (B×P) of a loss summed over the batch:
 * <pre>
 *   ∂W4 = qᵀ g, ∂b4 = 1ᵀ g;  dq = g W4ᵀ ⊙ [s3 &gt; 0];  ∂W3 = fᵀ dq, ∂b3 = 1ᵀ dq;  df = dq W3ᵀ ⊙ [s2 &gt; 0]
 *   ∂W2 = aᵀ df, ∂b2 = 1ᵀ df;  da = df W2ᵀ ⊙ [s1 &gt; 0];  ∂W1 = xᵀ da, ∂b1 = 1ᵀ da
 * </pre>
 * (s1, s2, s3: pre-activations). Parameters live in one flat (1×P) vector, in the order W1, b1, W2, b2, W3, b3,
 * W4, b4, weights row-major (in, out). Initialisation: biases 0, ReLU layers He normal N(0, 2/fan_in), the output
 * layer Xavier normal N(0, 2/(fan_in + fan_out)), from a seeded {@link SplittableRandom}. Not thread-safe.
 *
 * @see org.sparktrain.losses.contrastive.GlobalContrastiveLoss
 */
public final class ContrastiveMlp implements ContrastiveEncoder {
    public static final String CITATION = "T. Chen, S. Kornblith, M. Norouzi, G. Hinton. A Simple Framework for "
            + "Contrastive Learning of Visual Representations. ICML 2020 (arXiv 2002.05709)";

    private final int[] sizes;   // D, H, F, Q, P
    private final DataType dataType;
    private final INDArray params;
    private final INDArray[] w;
    private final INDArray[] b;

    /**
     * @param inputs         D, features of one example
     * @param encoderHidden  H, the encoder's hidden width
     * @param features       F, the representation width
     * @param headHidden     Q, the projection head's hidden width
     * @param projection     P, the projection width
     * @param dataType       FLOAT for training, DOUBLE for gradient checks
     */
    public ContrastiveMlp(int inputs, int encoderHidden, int features, int headHidden, int projection, long seed,
                          DataType dataType) {
        this.sizes = new int[]{inputs, encoderHidden, features, headHidden, projection};
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] < 1) {
                throw new IllegalArgumentException("layer sizes must be positive, got " + java.util.Arrays.toString(sizes)
                        + " (inputs, encoderHidden, features, headHidden, projection)");
            }
        }
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
            throw new IllegalArgumentException("dataType must be FLOAT or DOUBLE, got " + dataType);
        }
        this.dataType = dataType;
        this.params = Nd4j.zeros(dataType, 1, numParams(sizes));
        this.w = new INDArray[4];
        this.b = new INDArray[4];
        blocks(params, w, b);
        initialize(seed);
    }

    /** Number of parameters of this architecture. */
    public static long numParams(int[] s) {
        long n = 0;
        for (int l = 0; l < 4; l++) {
            n += (long) s[l] * s[l + 1] + s[l + 1];
        }
        return n;
    }

    @Override
    public long numParams() {
        return params.length();
    }

    @Override
    public int inputs() {
        return sizes[0];
    }

    @Override
    public int featureSize() {
        return sizes[2];
    }

    @Override
    public int projectionSize() {
        return sizes[4];
    }

    @Override
    public DataType dataType() {
        return dataType;
    }

    /** The live flat parameter vector (1×P); read by every pass, written in place by the caller (an updater). */
    @Override
    public INDArray params() {
        return params;
    }

    @Override
    public org.sparktrain.zoo.ParamTensors tensors() {
        long[] at = tensorOffsets();
        org.sparktrain.zoo.ParamTensors out = new org.sparktrain.zoo.ParamTensors();
        for (int l = 0; l < 4; l++) {
            out.add("W" + (l + 1), at[2 * l + 1] - at[2 * l]).add("b" + (l + 1), at[2 * l + 2] - at[2 * l + 1]);
        }
        return out;
    }

    /** Offsets of the eight tensors in the flat vector (start of W1, b1, ..., W4, b4, and the end), for layouts. */
    public long[] tensorOffsets() {
        long[] at = new long[9];
        for (int l = 0; l < 4; l++) {
            at[2 * l + 1] = at[2 * l] + (long) sizes[l] * sizes[l + 1];
            at[2 * l + 2] = at[2 * l + 1] + sizes[l + 1];
        }
        return at;
    }

    private void blocks(INDArray flat, INDArray[] ws, INDArray[] bs) {
        INDArray v = flat.reshape(flat.length());
        long at = 0;
        for (int l = 0; l < 4; l++) {
            long nw = (long) sizes[l] * sizes[l + 1];
            ws[l] = v.get(NDArrayIndex.interval(at, at + nw)).reshape('c', sizes[l], sizes[l + 1]);
            at += nw;
            bs[l] = v.get(NDArrayIndex.interval(at, at + sizes[l + 1])).reshape('c', 1, sizes[l + 1]);
            at += sizes[l + 1];
        }
    }

    /** Re-initialises the parameters from {@code seed} (see the class comment). */
    public void initialize(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        params.assign(0);
        for (int l = 0; l < 4; l++) {
            double std = l == 3 ? Math.sqrt(2.0 / (sizes[l] + sizes[l + 1])) : Math.sqrt(2.0 / sizes[l]);
            double[] values = new double[sizes[l] * sizes[l + 1]];
            for (int i = 0; i < values.length; i++) {
                values[i] = std * rnd.nextGaussian();
            }
            w[l].assign(Nd4j.createFromArray(values).reshape('c', sizes[l], sizes[l + 1]).castTo(dataType));
        }
    }

    /** The representation f (B×F, new array) of inputs x (B×D): the encoder without the head. */
    @Override
    public INDArray features(INDArray x) {
        return forward(x).f;
    }

    /** Runs the forward pass and keeps the activations for {@link #backward}. */
    @Override
    public Pass forward(INDArray x) {
        if (x.rank() != 2 || x.columns() != sizes[0]) {
            throw new IllegalArgumentException("inputs: expected (B, " + sizes[0] + "), got shape "
                    + java.util.Arrays.toString(x.shape()));
        }
        INDArray in = x.castTo(dataType);
        INDArray s1 = in.mmul(w[0]).addiRowVector(b[0]);
        INDArray a = Transforms.relu(s1, false);
        INDArray s2 = a.mmul(w[1]).addiRowVector(b[1]);
        INDArray f = Transforms.relu(s2, false);
        INDArray s3 = f.mmul(w[2]).addiRowVector(b[2]);
        INDArray q = Transforms.relu(s3, false);
        INDArray z = q.mmul(w[3]).addiRowVector(b[3]);
        return new Pass(in, a, f, q, z);
    }

    /**
     * Writes into {@code gradientOut} (1×P or P values, overwritten) the gradient of a loss L w.r.t. the parameters,
     * given {@code gradZ} = ∂L/∂z (B×P) at the activations of {@code pass}.
     */
    @Override
    public void backward(ContrastiveEncoder.Pass encoderPass, INDArray gradZ, INDArray gradientOut) {
        if (!(encoderPass instanceof Pass pass)) {
            throw new IllegalArgumentException("pass: not a pass of a ContrastiveMlp");
        }
        if (gradientOut.length() != numParams()) {
            throw new IllegalArgumentException("gradientOut: expected " + numParams() + " values, got "
                    + gradientOut.length());
        }
        INDArray g = gradZ.castTo(dataType);
        if (g.rows() != pass.z.rows() || g.columns() != pass.z.columns()) {
            throw new IllegalArgumentException("gradZ: expected shape " + java.util.Arrays.toString(pass.z.shape())
                    + ", got " + java.util.Arrays.toString(g.shape()));
        }
        INDArray[] gw = new INDArray[4];
        INDArray[] gb = new INDArray[4];
        INDArray target = Nd4j.zeros(dataType, 1, numParams());
        blocks(target, gw, gb);
        INDArray[] inputs = {pass.x, pass.a, pass.f, pass.q};
        for (int l = 3; l >= 0; l--) {
            gw[l].assign(inputs[l].transpose().mmul(g));
            gb[l].assign(g.sum(true, 0));
            if (l > 0) {
                // relu'(s) through the stored post-activation: out > 0 exactly when s > 0
                INDArray mask = inputs[l].gt(0).castTo(dataType);
                g = g.mmul(w[l].transpose()).muli(mask);
            }
        }
        gradientOut.assign(target.reshape(gradientOut.shape()));
    }

    /** Activations of one forward pass: inputs x, hidden a, representation f, head hidden q, projection z. */
    public static final class Pass implements ContrastiveEncoder.Pass {
        private final INDArray x;
        private final INDArray a;
        private final INDArray f;
        private final INDArray q;
        private final INDArray z;

        private Pass(INDArray x, INDArray a, INDArray f, INDArray q, INDArray z) {
            this.x = x;
            this.a = a;
            this.f = f;
            this.q = q;
            this.z = z;
        }

        @Override
        public INDArray projection() {
            return z;
        }

        @Override
        public INDArray features() {
            return f;
        }
    }
}
