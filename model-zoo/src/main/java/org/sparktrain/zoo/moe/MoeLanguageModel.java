package org.sparktrain.zoo.moe;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;
import java.util.Random;

/**
 * A small causal MLP-Mixer language model whose feed-forward layers are {@link MoeLayer}s, trained by next-token
 * prediction; forward and backward written by hand on ND4J in double precision (routing, embedding look-ups and the
 * aux-loss bookkeeping in plain Java).
 *
 * <p>Math, for B windows of T + 1 token ids (inputs x_{b,0..T−1}, targets y_{b,t} = x_{b,t+1}), width d, vocabulary V:
 * <pre>
 *   H_0[b,t] = E[x_{b,t}] + P[t]                                   E (V, d) token embedding, P (T, d) positions
 *   block l = 1..L (pre-norm, two residual branches):
 *     H'  = H + Mix_l(RmsNorm_l1(H))                               causal token mixing per window ({@link CausalTokenMixing})
 *     H'' = H' + FFN_l(RmsNorm_l2(H'))                             FFN_l(u) = MoE_l(u) − u: shared + gated routed experts
 *   z = RmsNorm_f(H_L) W_out + c_out                               logits (B·T, V)
 *   loss = Σ_{b,t} −log softmax(z_{b,t})[y_{b,t}]  +  T · Σ_b Σ_l L_Bal(l, window b)
 * </pre>
 * The {@link MoeLayer} adds its input as a residual, so its FFN part is its output minus its input, and its
 * backward's dU minus the incoming gradient. Each window is one "sequence" of the auxiliary loss ({@link
 * AuxBalanceLoss}, Wang et al. 2024 eq. 5: per sequence of length T); dividing the loss by the B·T predicted tokens
 * gives the paper's mean cross-entropy + the mean over sequences of Σ_l L_Bal. Perplexity = exp(mean
 * cross-entropy). The routing bias b (L, N) only picks the experts (it is state, not a parameter).
 *
 * <p>Causality: RMSNorm, the experts and the routing act on each token alone and the token mixing is
 * lower-triangular, so the logits at position t depend only on x_{b,0..t}.
 *
 * <p>Flat parameter vector (1, P) double: E (V, d), P (T, d), per block [γ_l1 (d), Mix_l (T·T + T), γ_l2 (d),
 * MoE_l], γ_f (d), W_out (d, V), c_out (V) (matrices row-major). Initialisation from the seed: E ~ N(0, 1),
 * P ~ N(0, 0.01), W_out ~ N(0, 1/d), gains 1, biases 0, mixing a causal running mean, experts as in {@link MoeLayer}.
 *
 * <p>References: Wang et al., "Auxiliary-Loss-Free Load Balancing Strategy for Mixture-of-Experts",
 * arXiv:2408.15664, 2024 (§4: MoE language models, perplexity and MaxVio); Tolstikhin et al., "MLP-Mixer", 2021;
 * Liu et al., "Pay Attention to MLPs", 2021; Zhang and Sennrich, "Root Mean Square Layer Normalization", 2019.
 * Not thread-safe.
 */
public final class MoeLanguageModel {
    private final int vocabSize;
    private final int context;
    private final int dModel;
    private final Block[] blocks;
    private final long posOffset;
    private final RmsNorm finalNorm;
    private final long outOffset;
    private final long numParams;
    private final INDArray params;

    /**
     * @param vocabSize V, token ids are in [0, V)
     * @param context   T, positions per window (each window holds T + 1 ids)
     * @param numLayers L blocks
     * @param layer     the MoE layer of every block (its dModel is the model width)
     */
    public MoeLanguageModel(int vocabSize, int context, int numLayers, MoeLayerConfig layer, long seed) {
        if (vocabSize < 2) {
            throw new IllegalArgumentException("vocabSize must be at least 2, got " + vocabSize);
        }
        if (context < 1) {
            throw new IllegalArgumentException("context length must be positive, got " + context);
        }
        if (numLayers < 1) {
            throw new IllegalArgumentException("layers must be at least 1, got " + numLayers);
        }
        this.vocabSize = vocabSize;
        this.context = context;
        this.dModel = layer.dModel();
        int d = dModel;
        posOffset = (long) vocabSize * d;
        long at = posOffset + (long) context * d;
        blocks = new Block[numLayers];
        for (int l = 0; l < numLayers; l++) {
            RmsNorm n1 = new RmsNorm(d, at);
            at += n1.numParams();
            CausalTokenMixing mix = new CausalTokenMixing(context, at);
            at += mix.numParams();
            RmsNorm n2 = new RmsNorm(d, at);
            at += n2.numParams();
            MoeLayer moe = new MoeLayer(layer, at);
            at += moe.numParams();
            blocks[l] = new Block(n1, mix, n2, moe);
        }
        finalNorm = new RmsNorm(d, at);
        at += finalNorm.numParams();
        outOffset = at;
        numParams = at + (long) d * vocabSize + vocabSize;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            params = Nd4j.zeros(DataType.DOUBLE, 1, numParams);
        }
        Random rng = new Random(seed);
        ExpertFfn.fill(block(params, 0, (long) vocabSize * d), rng, 1.0);
        ExpertFfn.fill(block(params, posOffset, (long) context * d), rng, 0.1);
        for (Block b : blocks) {
            b.norm1.initialize(params);
            b.mix.initialize(params);
            b.norm2.initialize(params);
            b.moe.initialize(params, rng);
        }
        finalNorm.initialize(params);
        ExpertFfn.fill(block(params, outOffset, (long) d * vocabSize), rng, 1.0 / Math.sqrt(d));
    }

    public long numParams() {
        return numParams;
    }

    /**
     * The parameter tensors in their flat order: the token and position embeddings, each block's norm1, mixing,
     * norm2 and MoE layer, the final norm, out.W, out.b.
     */
    public org.sparktrain.zoo.ParamTensors tensors() {
        org.sparktrain.zoo.ParamTensors out = new org.sparktrain.zoo.ParamTensors()
                .add("embed.token", (long) vocabSize * dModel).add("embed.position", (long) context * dModel);
        for (int l = 0; l < blocks.length; l++) {
            Block b = blocks[l];
            b.norm1().tensors("block" + l + ".norm1", out);
            b.mix().tensors("block" + l + ".mix", out);
            b.norm2().tensors("block" + l + ".norm2", out);
            b.moe().tensors("block" + l + ".moe", out);
        }
        finalNorm.tensors("final.norm", out);
        return out.add("out.W", (long) dModel * vocabSize).add("out.b", vocabSize);
    }

    /** The live flat parameter vector (1, P) double. */
    public INDArray params() {
        return params;
    }

    public int numLayers() {
        return blocks.length;
    }

    public int numExperts() {
        return blocks[0].moe.config().numExperts();
    }

    public int vocabSize() {
        return vocabSize;
    }

    /** T: predicted positions per window; a window holds T + 1 token ids. */
    public int context() {
        return context;
    }

    /**
     * Loss sum and gradient of B windows.
     *
     * @param windows B windows of T + 1 token ids
     * @param bias    routing bias per layer (L arrays of N; null = 0), used only for the top-K choice
     * @param aux     the auxiliary balance loss (per window), or null for none
     * @param grad    (1, P) double; the gradient of the returned loss sum is ADDED to it
     */
    public Step computeGradient(int[][] windows, double[][] bias, AuxBalanceLoss aux, INDArray grad) {
        Forward f = forward(windows, bias);
        int rows = f.targets.length;
        int b = windows.length;
        // softmax over the vocabulary (ND4J), then −log p[target] and p − onehot(target) per row
        INDArray shifted = f.logits.subColumnVector(f.logits.max(1).reshape(rows, 1));
        INDArray p = Transforms.exp(shifted, true);
        INDArray z = p.sum(1).reshape(rows, 1);
        p.diviColumnVector(z);
        double[] logZ = Transforms.log(z, true).toDoubleVector();
        double ceSum = 0;
        for (int r = 0; r < rows; r++) {
            ceSum += logZ[r] - shifted.getDouble(r, f.targets[r]);
            p.putScalar(r, f.targets[r], p.getDouble(r, f.targets[r]) - 1.0);
        }
        int correct = correct(f);
        double auxSum = 0;
        INDArray[] auxGrad = new INDArray[blocks.length];
        if (aux != null) {
            for (int l = 0; l < blocks.length; l++) {
                double[][] s = f.passes[l].moe().s();
                INDArray[] perWindow = new INDArray[b];
                for (int w = 0; w < b; w++) {
                    double[][] sw = Arrays.copyOfRange(s, w * context, (w + 1) * context);
                    // per-token choice: the same experts as in the forward pass, counted within this window
                    Routing rw = Routing.select(sw, bias == null ? null : bias[l], blocks[l].moe.config().topK());
                    AuxBalanceLoss.Result a = aux.compute(sw, rw, blocks[l].moe.config().topK());
                    auxSum += a.loss();
                    perWindow[w] = a.dScores();
                }
                auxGrad[l] = Nd4j.vstack(perWindow).muli(context);
            }
        }
        INDArray dZ = p;
        int d = dModel;
        block(grad, outOffset, (long) d * vocabSize).addi(f.finalPass.y().transpose().mmul(dZ).reshape(-1));
        block(grad, outOffset + (long) d * vocabSize, vocabSize).addi(dZ.sum(0).reshape(-1));
        INDArray dH = finalNorm.backward(params, f.finalPass, dZ.mmul(wOut().transpose()), grad);
        for (int l = blocks.length - 1; l >= 0; l--) {
            dH = blocks[l].backward(params, f.passes[l], dH, auxGrad[l], b, grad);
        }
        // embedding and position gradients: scatter-add of dH_0 rows (plain Java)
        double[] dH0 = dH.dup('c').data().asDouble(); // (B·T, d) row-major in one copy
        double[] dEmb = new double[vocabSize * d];
        double[] dPos = new double[context * d];
        for (int r = 0; r < rows; r++) {
            int tok = f.inputs[r];
            int t = r % context;
            for (int c = 0; c < d; c++) {
                dEmb[tok * d + c] += dH0[r * d + c];
                dPos[t * d + c] += dH0[r * d + c];
            }
        }
        block(grad, 0, (long) vocabSize * d).addi(Nd4j.createFromArray(dEmb));
        block(grad, posOffset, (long) context * d).addi(Nd4j.createFromArray(dPos));
        double auxTerm = context * auxSum;
        return new Step(ceSum, auxTerm, ceSum + auxTerm, correct, rows, f.counts());
    }

    /** Logits (B·T, V) for the B windows' first T ids and the routing of every layer. */
    public Forward forward(int[][] windows, double[][] bias) {
        if (bias != null && bias.length != blocks.length) {
            throw new IllegalArgumentException("bias has " + bias.length + " layers, the model " + blocks.length);
        }
        int b = windows.length;
        if (b == 0) {
            throw new IllegalArgumentException("no windows");
        }
        int rows = b * context;
        int[] inputs = new int[rows];
        int[] targets = new int[rows];
        int[] positions = new int[rows];
        for (int w = 0; w < b; w++) {
            if (windows[w].length != context + 1) {
                throw new IllegalArgumentException("window " + w + " has " + windows[w].length + " token ids, expected "
                        + (context + 1) + " (context length + 1)");
            }
            for (int t = 0; t <= context; t++) {
                int id = windows[w][t];
                if (id < 0 || id >= vocabSize) {
                    throw new IllegalArgumentException("window " + w + ", position " + t + ": token id " + id
                            + " is not in [0, " + vocabSize + ")");
                }
                if (t < context) {
                    inputs[w * context + t] = id;
                    positions[w * context + t] = t;
                }
                if (t > 0) {
                    targets[w * context + t - 1] = id;
                }
            }
        }
        int d = dModel;
        // row look-ups with ND4J pullRows on standalone copies of the two tables (not on views into the flat vector)
        INDArray emb = block(params, 0, (long) vocabSize * d).dup().reshape('c', vocabSize, d);
        INDArray pos = block(params, posOffset, (long) context * d).dup().reshape('c', context, d);
        INDArray h = Nd4j.pullRows(emb, 1, inputs).addi(Nd4j.pullRows(pos, 1, positions));
        BlockPass[] passes = new BlockPass[blocks.length];
        for (int l = 0; l < blocks.length; l++) {
            passes[l] = blocks[l].forward(params, h, bias == null ? null : bias[l], b);
            h = passes[l].output;
        }
        RmsNorm.Pass fin = finalNorm.forward(params, h);
        INDArray logits = fin.y().mmul(wOut()).addiRowVector(
                block(params, outOffset + (long) d * vocabSize, vocabSize).reshape(1, vocabSize));
        return new Forward(inputs, targets, passes, fin, logits);
    }

    /** Summed cross-entropy and arg-max hits of a forward pass (evaluation without gradient). */
    public Evaluation evaluate(int[][] windows, double[][] bias) {
        Forward f = forward(windows, bias);
        int rows = f.targets.length;
        INDArray shifted = f.logits.subColumnVector(f.logits.max(1).reshape(rows, 1));
        double[] logZ = Transforms.log(Transforms.exp(shifted, true).sum(1), false).toDoubleVector();
        double ceSum = 0;
        for (int r = 0; r < rows; r++) {
            ceSum += logZ[r] - shifted.getDouble(r, f.targets[r]);
        }
        return new Evaluation(ceSum, correct(f), rows, f.counts());
    }

    private static int correct(Forward f) {
        long[] best = Nd4j.argMax(f.logits, 1).toLongVector();
        int correct = 0;
        for (int r = 0; r < best.length; r++) {
            correct += best[r] == f.targets[r] ? 1 : 0;
        }
        return correct;
    }

    private INDArray wOut() {
        return block(params, outOffset, (long) dModel * vocabSize).reshape('c', dModel, vocabSize);
    }

    private static INDArray block(INDArray flat, long at, long n) {
        return flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(at, at + n));
    }

    /** One mixer block: pre-norm causal token mixing, then a pre-norm MoE feed-forward layer. */
    private record Block(RmsNorm norm1, CausalTokenMixing mix, RmsNorm norm2, MoeLayer moe) {
        BlockPass forward(INDArray flat, INDArray h, double[] bias, int windows) {
            RmsNorm.Pass n1 = norm1.forward(flat, h);
            CausalTokenMixing.Pass mx = mix.forward(flat, n1.y(), windows);
            INDArray h1 = h.add(mx.y());
            RmsNorm.Pass n2 = norm2.forward(flat, h1);
            MoeLayer.Pass mp = moe.forward(flat, n2.y(), bias);
            INDArray out = h1.add(mp.output()).subi(n2.y());
            return new BlockPass(n1, mx, n2, mp, out);
        }

        INDArray backward(INDArray flat, BlockPass p, INDArray dOut, INDArray extraDScore, int windows, INDArray grad) {
            // out = h1 + (MoE(n2) − n2): the FFN part's input gradient is MoE's dU minus the pass-through dOut
            INDArray dN2 = moe.backward(flat, p.moe, dOut, extraDScore, grad).subi(dOut);
            INDArray dH1 = dOut.add(norm2.backward(flat, p.norm2, dN2, grad));
            INDArray dA = mix.backward(p.mix, dH1, windows, grad);
            return dH1.add(norm1.backward(flat, p.norm1, dA, grad));
        }
    }

    /** Activations of one block. */
    public record BlockPass(RmsNorm.Pass norm1, CausalTokenMixing.Pass mix, RmsNorm.Pass norm2, MoeLayer.Pass moe,
                            INDArray output) {
    }

    /**
     * One forward pass.
     *
     * @param inputs  input id of each row b·T + t
     * @param targets target id (the next token) of each row
     * @param logits  (B·T, V)
     */
    public record Forward(int[] inputs, int[] targets, BlockPass[] passes, RmsNorm.Pass finalPass, INDArray logits) {
        /** Tokens per expert per layer (L, N). */
        public long[][] counts() {
            long[][] c = new long[passes.length][];
            for (int l = 0; l < passes.length; l++) {
                c[l] = passes[l].moe().routing().counts();
            }
            return c;
        }
    }

    /**
     * Result of {@link #computeGradient}.
     *
     * @param ceSum   Σ over predicted tokens of the cross-entropy
     * @param auxTerm T · Σ_windows Σ_l L_Bal (0 without aux loss): the aux part of the loss sum
     * @param lossSum ceSum + auxTerm, the loss whose gradient was added
     * @param correct predicted tokens whose arg-max is the target
     * @param tokens  predicted tokens, B·T
     * @param counts  tokens per expert per layer (L, N)
     */
    public record Step(double ceSum, double auxTerm, double lossSum, int correct, int tokens, long[][] counts) {
    }

    /** Σ cross-entropy, arg-max hits, predicted tokens and expert loads (L, N) of an evaluation pass. */
    public record Evaluation(double ceSum, int correct, int tokens, long[][] counts) {
    }
}
