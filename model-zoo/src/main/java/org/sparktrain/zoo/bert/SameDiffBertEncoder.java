package org.sparktrain.zoo.bert;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A post-LayerNorm BERT encoder with mean-pooled, L2-normalised sentence embeddings, built as an ND4J SameDiff graph
 * over the views of one flat parameter vector ({@link BertParameters}): every weight except the three embedding
 * tables is a SameDiff variable; the table lookup and its gradient are done on ND4J ({@link TokenEmbeddingSum},
 * because SameDiff's gather gradient is wrong). It is the
 * architecture of sentence-transformers' all-MiniLM-L6-v2: BERT (Devlin et al. 2019) distilled by MiniLM (Wang et
 * al. 2020, "MiniLM: Deep Self-Attention Distillation for Task-Agnostic Compression of Pre-Trained Transformers",
 * NeurIPS, arXiv 2002.10957), pooled and normalised as in Sentence-BERT (Reimers &amp; Gurevych 2019,
 * "Sentence-BERT: Sentence Embeddings using Siamese BERT-Networks", EMNLP, arXiv 1908.10084).
 *
 * <p><b>Math</b> (row vectors; H hidden, h heads of width d = H/h, LN(x) = γ ⊙ (x − μ)/√(σ² + ε) + β with μ, σ²
 * the mean and (biased) variance over the H features of the row):
 * <pre>
 *   x_n     = LN_emb( Word[id_n] + Pos[t_n] + Type[type_n] )                       token n = b·T + t
 *   per layer:
 *     Q = X Wq + bq,  K = X Wk + bk,  V = X Wv + bv                                  (B·T, H) each
 *     per head j: A_j = softmax_keys( Q_j K_jᵀ / √d + M )   M[b,·,·,s] = 0 or −1e9 for a padding key s
 *     C = [A_1 V_1 | … | A_h V_h]                                                    (B·T, H)
 *     X' = LN_att( C Wo + bo + X )
 *     X  = LN_out( GELU(X' Wi + bi) Wo2 + bo2 + X' ),   GELU(z) = z/2 · (1 + erf(z/√2))   (exact, not tanh)
 *   pooled e_b = Σ_t m[b,t] x_{b·T+t} / Σ_t m[b,t]         (the pooling matrix P of {@link BertTokenBatch}: E = P X)
 *   embedding u_b = e_b / √(‖e_b‖² + 1e-24)
 * </pre>
 *
 * <p><b>Shapes</b>: a batch of B sequences padded to T tokens (see {@link BertTokenBatch}); the token dimension is
 * flattened, so every dense layer and LayerNorm works on (B·T, H) matrices; attention reshapes to (B, h, T, d) and
 * its logits are (B, h, T, T). Outputs: {@code last_hidden_state} (B·T, H), returned as (B, T, H), and
 * {@code sentence_embedding} (B, H). Dense weights are (in, out) (see {@link BertParameters}).
 *
 * <p><b>Gradients</b>: {@link #backward} feeds an upstream gradient G = ∂L/∂U (B, H) of any loss L of the sentence
 * embeddings U and lets SameDiff differentiate the scalar Σ U ⊙ G, whose gradient w.r.t. the parameters is the
 * vector-Jacobian product (∂U/∂θ)ᵀ G = ∂L/∂θ. So a loss computed outside SameDiff (the hand-written losses of the
 * {@code losses} module) trains the encoder: forward, loss and its embedding gradient, then backward.
 *
 * <p><b>Which library does what</b>: SameDiff (nd4j-api 1.0.0-M2.1) builds the graph from x on and differentiates
 * it (x enters as the placeholder {@value #TOKEN_EMBEDDINGS}; SameDiff returns ∂L/∂x with the weight gradients);
 * libnd4j executes the ops (matmul, softmax, erf, reductions, the row gather); this class only wires them. Two
 * pieces are written as compositions of elementary SameDiff ops instead of the library's fused ops, so the formula
 * above holds exactly: LayerNorm (ε inside the square root, biased variance, as BERT) and GELU (the erf form:
 * SameDiff's {@code gelu} and {@code preciseGelu} are sigmoid / tanh approximations). The embedding sum x and its
 * backward scatter-add are hand-written ({@link TokenEmbeddingSum} says why). Every op used here is checked against
 * central finite differences in double precision ({@code SameDiffBertEncoderGradientTest}).
 *
 * <p><b>Memory</b>: every run frees its intermediate arrays as soon as SameDiff is done with them
 * ({@link #useFreeingSessions}); without that, SameDiff 1.0.0-M2.1 keeps them in a per-session array cache of up to a
 * quarter of javacpp's maxBytes, per graph and per thread, and the resident memory grows with every new batch shape.
 *
 * <p>Not thread-safe: one SameDiff session per instance.
 */
public final class SameDiffBertEncoder {
    public static final String TOKEN_EMBEDDINGS = "token_embeddings";
    private static final String ZERO_SHIFT = "token_embeddings_zero_shift";
    public static final String ATTENTION_BIAS = "attention_bias";
    public static final String ATTENTION_SHAPE = "attention_shape";
    public static final String POOLING = "pooling";
    public static final String UPSTREAM = "upstream_gradient";
    public static final String LAST_HIDDEN_STATE = "last_hidden_state";
    public static final String SENTENCE_EMBEDDING = "sentence_embedding";
    public static final String UPSTREAM_PRODUCT = "upstream_product";

    /** The name SameDiff gives its gradient function ({@code SameDiff.GRAD_FN_KEY}, protected there). */
    private static final String GRADIENT_FUNCTION = "grad";

    private static final List<String> EMBEDDING_TABLES = List.of(BertParameters.WORD_EMBEDDINGS,
            BertParameters.POSITION_EMBEDDINGS, BertParameters.TOKEN_TYPE_EMBEDDINGS);

    private final BertConfig config;
    private final BertParameters parameters;
    private final BertParameters gradient;
    private final DataType dataType;
    private final SameDiff sd;
    /** The parameters that are SameDiff variables: all but the three embedding tables. */
    private final List<String> graphParameters;

    /** Builds the graph over the given parameters (their flat vector stays the live weights). */
    public SameDiffBertEncoder(BertParameters parameters) {
        this.config = parameters.config();
        this.parameters = parameters;
        this.dataType = parameters.dataType();
        this.gradient = BertParameters.zeros(config, dataType);
        this.sd = SameDiff.create();
        this.graphParameters = parameters.names().stream().filter(n -> !EMBEDDING_TABLES.contains(n)).toList();
        build();
    }

    private void build() {
        int h = config.hidden();
        Map<String, SDVariable> w = new LinkedHashMap<>();
        for (String name : graphParameters) {
            w.put(name, sd.var(name, parameters.tensor(name)));
        }
        // SameDiff differentiates only ops on a path from the loss to a VARIABLE, and no weight lies before x, so it
        // would never compute dL/dx; adding this constant-zero variable (not a parameter, never updated) puts x on
        // such a path and SameDiff returns dL/dx for the placeholder.
        SDVariable x = sd.placeHolder(TOKEN_EMBEDDINGS, dataType, -1, h)
                .add(sd.var(ZERO_SHIFT, Nd4j.zeros(dataType, h)));
        SDVariable maskBias = sd.placeHolder(ATTENTION_BIAS, dataType, -1, 1, 1, -1);
        SDVariable headShape = sd.placeHolder(ATTENTION_SHAPE, DataType.INT64, 4);
        SDVariable pooling = sd.placeHolder(POOLING, dataType, -1, -1);
        SDVariable upstream = sd.placeHolder(UPSTREAM, dataType, -1, h);

        x = layerNorm(x, w.get(BertParameters.EMBEDDING_NORM_GAIN), w.get(BertParameters.EMBEDDING_NORM_BIAS));
        double scale = 1.0 / Math.sqrt(config.headSize());
        for (int l = 0; l < config.layers(); l++) {
            int layer = l;
            java.util.function.Function<String, SDVariable> p = s -> w.get(BertParameters.layerTensor(layer, s));
            SDVariable q = heads(dense(x, p.apply("attention.self.query.weight"), p.apply("attention.self.query.bias")), headShape);
            SDVariable k = heads(dense(x, p.apply("attention.self.key.weight"), p.apply("attention.self.key.bias")), headShape);
            SDVariable v = heads(dense(x, p.apply("attention.self.value.weight"), p.apply("attention.self.value.bias")), headShape);
            SDVariable logits = sd.mmul(q, k, false, true, false).mul(scale).add(maskBias);   // (B,h,T,T)
            SDVariable attention = sd.nn.softmax(logits, 3);
            SDVariable context = sd.mmul(attention, v).permute(0, 2, 1, 3).reshape(-1, h);  // (B·T, H)
            SDVariable attended = layerNorm(
                    dense(context, p.apply("attention.output.dense.weight"), p.apply("attention.output.dense.bias")).add(x),
                    p.apply("attention.output.LayerNorm.weight"), p.apply("attention.output.LayerNorm.bias"));
            SDVariable inner = gelu(dense(attended, p.apply("intermediate.dense.weight"), p.apply("intermediate.dense.bias")));
            x = layerNorm(dense(inner, p.apply("output.dense.weight"), p.apply("output.dense.bias")).add(attended),
                    p.apply("output.LayerNorm.weight"), p.apply("output.LayerNorm.bias"));
        }
        SDVariable hidden = sd.identity(LAST_HIDDEN_STATE, x);
        SDVariable pooled = sd.mmul(pooling, hidden);                                      // (B, H)
        SDVariable norm = sd.math.sqrt(pooled.mul(pooled).sum(true, 1).add(1e-24));
        SDVariable embedding = pooled.div(SENTENCE_EMBEDDING, norm);
        embedding.mul(upstream).sum(UPSTREAM_PRODUCT);
        sd.setLossVariables(UPSTREAM_PRODUCT);
    }

    /**
     * Gives the calling thread's SameDiff sessions, of the forward graph and of its gradient function (where
     * {@code calculateGradients} runs), a memory manager that closes every intermediate array SameDiff releases, and
     * drops the sessions of other threads.
     *
     * <p>Why: in SameDiff 1.0.0-M2.1 each graph keeps one {@code InferenceSession} per thread id, created on first use
     * with an {@code ArrayCacheMemoryMgr}; that manager keeps every released intermediate array for reuse by a later
     * allocation of exactly the same data type and shape, up to 0.25 x {@code Pointer.maxBytes()} per session before it
     * evicts anything. The batches here are padded to their own longest sequence, so shapes rarely repeat and the cache
     * only grows (measured with a BERT of hidden size 32, batches of 16 up to 34 tokens: 7 MB held after the first
     * step, 49 MB after 16), and for MiniLM that is gigabytes (two graphs, so up to half of maxBytes, plus one more
     * pair per new thread). The arrays it holds are strongly referenced, so no garbage collection frees them. With its cache disabled
     * ({@code setEnableCache(false)}), the same manager closes each released array at once (the library's own release
     * path); arrays handed to us ({@code output}, {@code calculateGradients}) are never released by the session.
     */
    private void useFreeingSessions() {
        long thread = Thread.currentThread().getId();
        List<SameDiff> graphs = new java.util.ArrayList<>(List.of(sd));
        if (sd.getFunction(GRADIENT_FUNCTION) != null) {
            graphs.add(sd.getFunction(GRADIENT_FUNCTION));
        }
        for (SameDiff graph : graphs) {
            Map<Long, InferenceSession> sessions = graph.getSessions();
            sessions.entrySet().removeIf(e -> {
                boolean other = e.getKey() != thread;
                if (other) {
                    e.getValue().getMmgr().close();
                }
                return other;
            });
            InferenceSession session = sessions.computeIfAbsent(thread, id -> new InferenceSession(graph));
            if (!(session.getMmgr() instanceof ArrayCacheMemoryMgr m) || m.isEnableCache()) {
                session.getMmgr().close();
                ArrayCacheMemoryMgr freeing = new ArrayCacheMemoryMgr();
                freeing.setEnableCache(false);
                session.setMmgr(freeing);
            }
        }
    }

    private static SDVariable dense(SDVariable x, SDVariable weight, SDVariable bias) {
        return x.mmul(weight).add(bias);
    }

    /** (B·T, H) to (B, h, T, d). */
    private SDVariable heads(SDVariable x, SDVariable headShape) {
        return sd.reshape(x, headShape).permute(0, 2, 1, 3);
    }

    /** γ ⊙ (x − μ) / √(σ² + ε) + β over the last dimension of a (rows, H) matrix (elementary ops). */
    private SDVariable layerNorm(SDVariable x, SDVariable gain, SDVariable bias) {
        SDVariable centred = x.sub(x.mean(true, 1));
        SDVariable variance = centred.mul(centred).mean(true, 1);
        return centred.div(sd.math.sqrt(variance.add(config.layerNormEps()))).mul(gain).add(bias);
    }

    /** z/2 · (1 + erf(z/√2)) (elementary ops). */
    private SDVariable gelu(SDVariable z) {
        return z.mul(0.5).mul(sd.math.erf(z.mul(1.0 / Math.sqrt(2.0))).add(1.0));
    }

    public BertConfig config() {
        return config;
    }

    /** The parameters (their flat vector is live: writing it changes the next forward). */
    public BertParameters parameters() {
        return parameters;
    }

    /** The flat parameter vector (1 x numParams). */
    public INDArray params() {
        return parameters.flat();
    }

    /** The gradient of the last {@link #backward} call, laid out like {@link #params()} (1 x numParams). */
    public INDArray gradient() {
        return gradient.flat();
    }

    /** The gradient of the last {@link #backward} call, per tensor (views of {@link #gradient()}). */
    public BertParameters gradientTensors() {
        return gradient;
    }

    /** The SameDiff graph (for inspection; its variables are the parameter views). */
    public SameDiff sameDiff() {
        return sd;
    }

    /** The final hidden states (B, T, H); rows of padding positions are computed but meaningless. */
    public INDArray lastHiddenState(BertTokenBatch batch) {
        INDArray flat = run(batch, LAST_HIDDEN_STATE);
        return flat.reshape('c', batch.batchSize(), batch.length(), config.hidden());
    }

    /** L2-normalised masked-mean sentence embeddings (B, H). */
    public INDArray sentenceEmbeddings(BertTokenBatch batch) {
        return run(batch, SENTENCE_EMBEDDING);
    }

    /**
     * Back-propagates an upstream gradient G = ∂L/∂U (B, H) of the sentence embeddings U of {@code batch} into
     * {@link #gradient()} = (∂U/∂θ)ᵀ G (overwritten, not accumulated). Runs its own forward pass.
     */
    public void backward(BertTokenBatch batch, INDArray upstream) {
        if (upstream.rank() != 2 || upstream.rows() != batch.batchSize() || upstream.columns() != config.hidden()) {
            throw new IllegalArgumentException("upstream gradient must be (" + batch.batchSize() + ", "
                    + config.hidden() + "), got " + java.util.Arrays.toString(upstream.shape()));
        }
        Map<String, INDArray> feed = placeholders(batch);
        feed.put(UPSTREAM, upstream.castTo(dataType));
        bindVariables();
        if (sd.getFunction(GRADIENT_FUNCTION) == null) {
            // built here rather than inside calculateGradients, so that useFreeingSessions configures its session too;
            // forward-only users (evaluation encoders) never build it
            sd.createGradFunction();
        }
        useFreeingSessions();
        List<String> wanted = new java.util.ArrayList<>(graphParameters);
        wanted.add(TOKEN_EMBEDDINGS);
        Map<String, INDArray> grads = sd.calculateGradients(feed, wanted);
        for (String name : graphParameters) {
            INDArray g = grads.get(name);
            if (g == null) {
                gradient.tensor(name).assign(0);
            } else {
                gradient.tensor(name).assign(g.reshape(gradient.tensor(name).shape()));
            }
        }
        TokenEmbeddingSum.backward(batch, grads.get(TOKEN_EMBEDDINGS), gradient);
    }

    private INDArray run(BertTokenBatch batch, String output) {
        bindVariables();
        useFreeingSessions();
        return sd.output(placeholders(batch), output).get(output).dup();
    }

    /**
     * Copies the flat vector's current values into SameDiff's variable arrays. SameDiff keeps its own copy of an
     * array given as a view ({@code sd.var(name, view)} and {@code associateArrayWithVariable} both detach it), so the
     * flat vector stays the one place the weights are written (by an optimizer or the engine) and every forward
     * starts from it; the copy is about 43 MB for MiniLM (the embedding tables are read in place).
     */
    private void bindVariables() {
        for (String name : graphParameters) {
            sd.getArrForVarName(name).assign(parameters.tensor(name));
        }
    }

    private Map<String, INDArray> placeholders(BertTokenBatch batch) {
        validate(batch);
        Map<String, INDArray> feed = new HashMap<>();
        feed.put(TOKEN_EMBEDDINGS, TokenEmbeddingSum.forward(parameters, batch));
        feed.put(ATTENTION_BIAS, batch.attentionBias(dataType));
        feed.put(ATTENTION_SHAPE, Nd4j.createFromArray(new long[]{batch.batchSize(), batch.length(),
                config.heads(), config.headSize()}));
        feed.put(POOLING, batch.poolingMatrix(dataType));
        return feed;
    }

    /** Out-of-range ids would make the row gather read outside the tables: refuse them here. */
    private void validate(BertTokenBatch batch) {
        if (batch.length() > config.maxPositions()) {
            throw new IllegalArgumentException("a sequence of " + batch.length() + " tokens exceeds the "
                    + config.maxPositions() + " positions of the encoder");
        }
        if (batch.padId() < 0 || batch.padId() >= config.vocabSize()) {
            throw new IllegalArgumentException("pad id " + batch.padId() + " is outside the vocabulary [0, "
                    + config.vocabSize() + ")");
        }
        for (int b = 0; b < batch.batchSize(); b++) {
            for (int t = 0; t < batch.length(b); t++) {
                int id = batch.id(b, t);
                if (id < 0 || id >= config.vocabSize()) {
                    throw new IllegalArgumentException("token id " + id + " at sequence " + b + ", position " + t
                            + " is outside the vocabulary [0, " + config.vocabSize() + ")");
                }
                int type = batch.typeId(b, t);
                if (type < 0 || type >= config.typeVocabSize()) {
                    throw new IllegalArgumentException("token type " + type + " at sequence " + b + ", position "
                            + t + " is outside [0, " + config.typeVocabSize() + ")");
                }
            }
        }
    }

    /** Parameter tensor names, in flat-vector order. */
    public List<String> parameterNames() {
        return parameters.names();
    }
}
