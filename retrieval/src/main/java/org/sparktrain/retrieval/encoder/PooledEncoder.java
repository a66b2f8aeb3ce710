package org.sparktrain.retrieval.encoder;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * The {@code pooled} bi-encoder: a fast CPU sentence encoder built on MiniLM's frozen input embedding table, with a
 * trainable per-token weight and a trainable residual linear layer, L2-normalised.
 *
 * <p><b>Math</b>, for one text with WordPiece ids t_1..t_L ([CLS] and [SEP] included, no padding), the frozen table
 * E (V x d, {@link TokenEmbeddingTable}) and parameters θ = (a ∈ R^V, W ∈ R^{d x d}, c ∈ R^d):
 * <pre>
 *   h = (1/L) Σ_l a_{t_l} E[t_l]          weighted mean pooling over the text's tokens      (d)
 *   z = h + W h + c                         residual linear layer                             (d)
 *   e = z / ‖z‖                             unit embedding; cosine = dot product of two e      (d)
 * </pre>
 * Initialisation a = 1, W = 0, c = 0 makes the untrained encoder the plain mean of MiniLM's token embeddings; the
 * per-token weights then learn a term weighting (like IDF, but from the relevance signal) and W a re-mixing of the
 * embedding space. Backward (hand-written; the linear layer and normalisation are a {@link ResidualHead}: ND4J double
 * matrix products and the losses module's {@code RowNormalized}; the pooling gather/scatter in plain Java):
 * <pre>
 *   dZ = RowNormalized.backward(dE);  dc = Σ_b dZ_b;  dW = dZᵀ H;  dH = dZ + dZ W;
 *   da_v = Σ_b Σ_{l: t_bl = v} (1/L_b) ⟨dH_b, E[v]⟩
 * </pre>
 * Batched over B texts: H, Z, E are B x d. Parameters live in one flat vector, layout {@code [a | W row-major | c]}
 * ({@link #tensorNames}, {@link #tensorOffsets}). Reference for pooled static embeddings as a sentence encoder:
 * Arora, Liang, Ma, "A Simple but Tough-to-Beat Baseline for Sentence Embeddings", ICLR 2017 (weighted averaging);
 * the table is all-MiniLM-L6-v2's (Wang et al., "MiniLM", NeurIPS 2020).
 */
public final class PooledEncoder {
    private final TokenEmbeddingTable table;
    private final int vocab;
    private final int dim;
    private final ResidualHead head;

    public PooledEncoder(TokenEmbeddingTable table) {
        this.table = table;
        this.vocab = table.vocabSize();
        this.dim = table.dim();
        this.head = new ResidualHead(dim, vocab);
    }

    public int dim() {
        return dim;
    }

    public int vocabSize() {
        return vocab;
    }

    public TokenEmbeddingTable table() {
        return table;
    }

    /** V + d² + d. */
    public long numParams() {
        return (long) vocab + (long) dim * dim + dim;
    }

    /** Names of the parameter tensors in flat-vector order. */
    public static List<String> tensorNames() {
        return List.of("tokenWeights", "W", "c");
    }

    /** Offsets of {@link #tensorNames} in the flat vector. */
    public long[] tensorOffsets() {
        return new long[]{0, vocab, vocab + (long) dim * dim};
    }

    /** Lengths of {@link #tensorNames}. */
    public long[] tensorLengths() {
        return new long[]{vocab, (long) dim * dim, dim};
    }

    /** a = 1, W = 0, c = 0: the untrained encoder is the mean of the token embeddings. */
    public float[] initialParams() {
        float[] p = new float[Math.toIntExact(numParams())];
        java.util.Arrays.fill(p, 0, vocab, 1f);
        return p;
    }

    /** Initial parameters with the given per-token weights (e.g. {@link TokenIdf}), W = 0, c = 0. */
    public float[] initialParams(double[] tokenWeights) {
        if (tokenWeights.length != vocab) {
            throw new IllegalArgumentException("expected " + vocab + " token weights, got " + tokenWeights.length);
        }
        float[] p = initialParams();
        for (int v = 0; v < vocab; v++) {
            p[v] = (float) tokenWeights[v];
        }
        return p;
    }

    /** Forward state of one batch, kept for {@link #backward}. */
    public static final class Forward {
        private final int[][] ids;
        private final ResidualHead.Forward head;   // z = h + W h + c, e = z/‖z‖

        private Forward(int[][] ids, ResidualHead.Forward head) {
            this.ids = ids;
            this.head = head;
        }

        /** The unit embeddings (B x d, double). */
        public INDArray embeddings() {
            return head.embeddings();
        }
    }

    /**
     * Encodes a batch of token id sequences.
     *
     * @param params flat parameters ({@link #numParams()} values)
     * @param ids    B sequences of WordPiece ids, each non-empty, ids in [0, V)
     */
    public Forward forward(double[] params, int[][] ids) {
        if (params.length != numParams()) {
            throw new IllegalArgumentException("expected " + numParams() + " parameters, got " + params.length);
        }
        int b = ids.length;
        double[] h = new double[b * dim];
        float[] e = table.rows();
        for (int s = 0; s < b; s++) {
            int[] seq = ids[s];
            if (seq.length == 0) {
                throw new IllegalArgumentException("sequence " + s + " of the batch is empty");
            }
            double inv = 1.0 / seq.length;
            for (int t : seq) {
                if (t < 0 || t >= vocab) {
                    throw new IllegalArgumentException("sequence " + s + " has token id " + t + " outside [0, "
                            + vocab + ")");
                }
                double w = params[t] * inv;
                int row = t * dim;
                int out = s * dim;
                for (int k = 0; k < dim; k++) {
                    h[out + k] += w * e[row + k];
                }
            }
        }
        INDArray hm = Nd4j.create(h, new long[]{b, dim}, 'c');
        return new Forward(ids, head.forward(params, hm));
    }

    /**
     * Adds the gradient of a scalar loss w.r.t. the parameters to {@code gradient}, given ∂loss/∂e (B x d).
     */
    public void backward(double[] params, Forward f, INDArray dEmbeddings, double[] gradient) {
        INDArray dH = head.backward(params, f.head, dEmbeddings, gradient);       // adds dW, dc
        double[] dh = dH.dup('c').data().asDouble();
        float[] e = table.rows();
        for (int s = 0; s < f.ids.length; s++) {
            int[] seq = f.ids[s];
            double inv = 1.0 / seq.length;
            int base = s * dim;
            for (int t : seq) {
                int row = t * dim;
                double dot = 0;
                for (int k = 0; k < dim; k++) {
                    dot += dh[base + k] * e[row + k];
                }
                gradient[t] += inv * dot;
            }
        }
    }

    /** Unit embeddings as float rows (serving). */
    public float[][] encode(double[] params, int[][] ids) {
        INDArray emb = forward(params, ids).embeddings();
        float[][] out = new float[ids.length][];
        for (int s = 0; s < ids.length; s++) {
            out[s] = emb.getRow(s).toFloatVector();
        }
        return out;
    }
}
