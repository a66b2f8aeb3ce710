package org.sparktrain.zoo.moe;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Random;

/**
 * An MLP classifier whose feed-forward blocks are {@link MoeLayer}s, with forward and backward written by hand on
 * ND4J in double precision. Each example is one token.
 *
 * <p>Math: x ∈ R^{d_in} → u_0 = W_in x + c_in ∈ R^d → u_l = MoE_l(u_{l−1}) for l = 1..L (each with its residual,
 * shared and routed experts) → z = W_out u_L + c_out ∈ R^C → p = softmax(z). Loss of a micro-batch of T examples
 * (the "sequence" of the auxiliary loss): Σ_t −log p_{t,y_t} + T · Σ_l L_Bal,l, where L_Bal,l is the
 * {@link AuxBalanceLoss} of layer l (absent without aux balancing), so dividing by T gives the paper's
 * mean cross-entropy + Σ_l L_Bal. Backward: dz = p − onehot(y), then the layers in reverse.
 *
 * <p>Shapes: features (T, d_in) double, labels int[T], routing bias (L, N). Flat parameter vector (1, P) double:
 * W_in (d_in, d) row-major, c_in (d), the L MoE layers, W_out (d, C) row-major, c_out (C). Initialisation from the
 * seed: W_in ~ N(0, 1/d_in), W_out ~ N(0, 1/d), biases 0, layers as in {@link MoeLayer}.
 *
 * <p>References: Wang et al., "Auxiliary-Loss-Free Load Balancing Strategy for Mixture-of-Experts",
 * arXiv:2408.15664, 2024; DeepSeek-V3 Technical Report, arXiv:2412.19437, 2024. Not thread-safe.
 */
public final class MoeClassifier {
    public static final String CITATION = "L. Wang, H. Gao, C. Zhao, X. Sun, D. Dai. Auxiliary-Loss-Free Load Balancing "
            + "Strategy for Mixture-of-Experts. arXiv:2408.15664, 2024.";

    private final int numInputs;
    private final int numClasses;
    private final int dModel;
    private final MoeLayer[] layers;
    private final long outOffset;
    private final long numParams;
    private final INDArray params;

    public MoeClassifier(int numInputs, int numClasses, int numLayers, MoeLayerConfig layer, long seed) {
        if (numInputs < 1) {
            throw new IllegalArgumentException("numInputs must be positive, got " + numInputs);
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be at least 2, got " + numClasses);
        }
        if (numLayers < 1) {
            throw new IllegalArgumentException("layers must be at least 1, got " + numLayers);
        }
        this.numInputs = numInputs;
        this.numClasses = numClasses;
        this.dModel = layer.dModel();
        long at = (long) numInputs * dModel + dModel;
        layers = new MoeLayer[numLayers];
        for (int l = 0; l < numLayers; l++) {
            layers[l] = new MoeLayer(layer, at);
            at += layers[l].numParams();
        }
        outOffset = at;
        numParams = at + (long) dModel * numClasses + numClasses;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            params = Nd4j.zeros(DataType.DOUBLE, 1, numParams);
        }
        Random rng = new Random(seed);
        ExpertFfn.fill(block(params, 0, (long) numInputs * dModel), rng, 1.0 / Math.sqrt(numInputs));
        for (MoeLayer l : layers) {
            l.initialize(params, rng);
        }
        ExpertFfn.fill(block(params, outOffset, (long) dModel * numClasses), rng, 1.0 / Math.sqrt(dModel));
    }

    public long numParams() {
        return numParams;
    }

    /** The parameter tensors in their flat order: in.W, in.b, each layer's, out.W, out.b. */
    public org.sparktrain.zoo.ParamTensors tensors() {
        org.sparktrain.zoo.ParamTensors out = new org.sparktrain.zoo.ParamTensors()
                .add("in.W", (long) numInputs * dModel).add("in.b", dModel);
        for (int l = 0; l < layers.length; l++) {
            layers[l].tensors("layer" + l, out);
        }
        return out.add("out.W", (long) dModel * numClasses).add("out.b", numClasses);
    }

    /** The live flat parameter vector (1, P) double. */
    public INDArray params() {
        return params;
    }

    public int numLayers() {
        return layers.length;
    }

    public int numExperts() {
        return layers[0].config().numExperts();
    }

    public int numClasses() {
        return numClasses;
    }

    /**
     * Loss sum and gradient of one micro-batch.
     *
     * @param x      features (T, d_in) double
     * @param labels class of each row
     * @param bias   routing bias per layer (L arrays of N), used only for the top-K choice
     * @param aux    the auxiliary balance loss, or null for none
     * @param grad   (1, P) double; the gradient of the returned loss sum is ADDED to it
     */
    public Step computeGradient(INDArray x, int[] labels, double[][] bias, AuxBalanceLoss aux, INDArray grad) {
        return computeGradient(x, labels, null, bias, aux, grad);
    }

    /**
     * Loss sum and gradient of one micro-batch with per-example loss factors c_t (a selection's scaled weights):
     * loss Σ_t c_t·(−log p_{t,y_t}) + T·Σ_l L_Bal,l, so dz_t = c_t·(p_t − onehot(y_t)). The balance loss is not
     * weighted: it is a property of the routing of the whole micro-batch, not of one example.
     *
     * @param factors c_t per row (finite, >= 0), or null for c_t = 1 (exactly the unweighted computation)
     */
    public Step computeGradient(INDArray x, int[] labels, double[] factors, double[][] bias, AuxBalanceLoss aux,
                                INDArray grad) {
        int t = (int) x.rows();
        if (labels.length != t) {
            throw new IllegalArgumentException(labels.length + " labels for " + t + " examples");
        }
        if (factors != null && factors.length != t) {
            throw new IllegalArgumentException(factors.length + " loss factors for " + t + " examples");
        }
        Forward f = forward(x, bias);
        double[][] logits = f.logits.toDoubleMatrix();
        double ceSum = 0;
        int correct = 0;
        double[][] dz = new double[t][numClasses];
        for (int r = 0; r < t; r++) {
            int y = labels[r];
            if (y < 0 || y >= numClasses) {
                throw new IllegalArgumentException("row " + r + ": label " + y + " is not in [0, " + numClasses + ")");
            }
            double[] p = softmax(logits[r]);
            double c = factors == null ? 1 : factors[r];
            ceSum -= factors == null ? Math.log(p[y]) : c * Math.log(p[y]);
            correct += argmax(logits[r]) == y ? 1 : 0;
            for (int k = 0; k < numClasses; k++) {
                dz[r][k] = factors == null ? p[k] - (k == y ? 1 : 0) : c * (p[k] - (k == y ? 1 : 0));
            }
        }
        double auxSum = 0;
        INDArray[] auxGrad = new INDArray[layers.length];
        if (aux != null) {
            for (int l = 0; l < layers.length; l++) {
                AuxBalanceLoss.Result a = aux.compute(f.passes[l].s(), f.passes[l].routing(), layers[l].config().topK());
                auxSum += a.loss();
                auxGrad[l] = a.dScores() == null ? null : a.dScores().muli(t);
            }
        }
        INDArray dZ = Nd4j.createFromArray(dz);
        INDArray uL = f.passes[layers.length - 1].output();
        block(grad, outOffset, (long) dModel * numClasses).addi(uL.transpose().mmul(dZ).reshape(-1));
        block(grad, outOffset + (long) dModel * numClasses, numClasses).addi(dZ.sum(0).reshape(-1));
        INDArray dU = dZ.mmul(wOut().transpose());
        for (int l = layers.length - 1; l >= 0; l--) {
            dU = layers[l].backward(params, f.passes[l], dU, auxGrad[l], grad);
        }
        block(grad, 0, (long) numInputs * dModel).addi(x.transpose().mmul(dU).reshape(-1));
        block(grad, (long) numInputs * dModel, dModel).addi(dU.sum(0).reshape(-1));
        return new Step(ceSum, auxSum, ceSum + t * auxSum, correct, f.counts());
    }

    /** Logits (T, C) and the routing of every layer. */
    public Forward forward(INDArray x, double[][] bias) {
        if (x.dataType() != DataType.DOUBLE || x.columns() != numInputs) {
            throw new IllegalArgumentException("features must be (T, " + numInputs + ") double, got "
                    + java.util.Arrays.toString(x.shape()) + " " + x.dataType());
        }
        if (bias != null && bias.length != layers.length) {
            throw new IllegalArgumentException("bias has " + bias.length + " layers, the model " + layers.length);
        }
        INDArray u = x.mmul(block(params, 0, (long) numInputs * dModel).reshape('c', numInputs, dModel))
                .addiRowVector(block(params, (long) numInputs * dModel, dModel).reshape(1, dModel));
        MoeLayer.Pass[] passes = new MoeLayer.Pass[layers.length];
        for (int l = 0; l < layers.length; l++) {
            passes[l] = layers[l].forward(params, u, bias == null ? null : bias[l]);
            u = passes[l].output();
        }
        INDArray logits = u.mmul(wOut()).addiRowVector(
                block(params, outOffset + (long) dModel * numClasses, numClasses).reshape(1, numClasses));
        return new Forward(logits, passes);
    }

    private INDArray wOut() {
        return block(params, outOffset, (long) dModel * numClasses).reshape('c', dModel, numClasses);
    }

    private static INDArray block(INDArray flat, long at, long n) {
        return flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(at, at + n));
    }

    static double[] softmax(double[] z) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            m = Math.max(m, v);
        }
        double sum = 0;
        double[] p = new double[z.length];
        for (int k = 0; k < z.length; k++) {
            p[k] = Math.exp(z[k] - m);
            sum += p[k];
        }
        for (int k = 0; k < z.length; k++) {
            p[k] /= sum;
        }
        return p;
    }

    static int argmax(double[] z) {
        int best = 0;
        for (int k = 1; k < z.length; k++) {
            if (z[k] > z[best]) {
                best = k;
            }
        }
        return best;
    }

    /** One forward pass: logits and each layer's activations and routing. */
    public record Forward(INDArray logits, MoeLayer.Pass[] passes) {
        /** Tokens per expert per layer (L, N). */
        public long[][] counts() {
            long[][] c = new long[passes.length][];
            for (int l = 0; l < passes.length; l++) {
                c[l] = passes[l].routing().counts();
            }
            return c;
        }
    }

    /**
     * Result of {@link #computeGradient}.
     *
     * @param ceSum   Σ_t cross-entropy (Σ_t c_t·cross-entropy with loss factors)
     * @param auxLoss Σ_l L_Bal,l of this micro-batch (0 without aux loss)
     * @param lossSum ceSum + T·auxLoss, the loss whose gradient was added
     * @param correct rows whose argmax equals the label
     * @param counts  tokens per expert per layer (L, N)
     */
    public record Step(double ceSum, double auxLoss, double lossSum, int correct, long[][] counts) {
    }
}
