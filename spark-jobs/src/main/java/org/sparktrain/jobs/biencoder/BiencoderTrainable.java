package org.sparktrain.jobs.biencoder;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparktrain.engine.Batch;
import org.sparktrain.engine.StepContext;
import org.sparktrain.engine.Trainable;
import org.sparktrain.engine.optim.TensorLayout;
import org.sparktrain.losses.LossInputs;
import org.sparktrain.losses.retrieval.WorkerGradients;
import org.sparktrain.losses.retrieval.WorkerTriples;
import org.sparktrain.retrieval.encoder.PooledEncoder;

import java.util.function.Function;

/**
 * A bi-encoder step for the engine: one shared encoder ({@link ColumnEncoder}: the {@code pooled}
 * {@link PooledEncoder} on token ids, the {@code minilm-head} on frozen MiniLM embeddings, or the trainable
 * {@code minilm} transformer on token ids) embeds the local
 * triples' queries, positives and negatives; the embeddings of all workers are gathered (cross-worker negatives); the loss (relevance margin or
 * InfoNCE, {@link BiencoderLossConfig}) gives this worker's rows of the global loss and their gradients; the
 * gradients w.r.t. the gathered documents are summed over workers (the backward of the gather) and each worker
 * back-propagates the rows of its own texts through its encoder replica.
 *
 * <p><b>Columns</b>: {@value #QUERY}, {@value #POSITIVE} and {@value #NEGATIVE}, in the encoder's format
 * (pooled and minilm: WordPiece ids as floats, [CLS] ... [SEP] then [PAD]; minilm-head: the d floats of the base
 * embedding).
 *
 * <p><b>Scaling</b>: the losses return worker shares of the global batch-mean loss L over G triples. The engine
 * divides summed losses and gradients by the summed weight, so a worker reports loss sum G·share, weight b (its
 * rows) and gradient G·∂share/∂θ: the engine then applies ∂L/∂θ, the same as one worker on the combined batch.
 *
 * <p><b>Weights</b>: with a {@value #WEIGHT} column (a weighted selection of training queries), row i of the loss
 * is multiplied by its triple's weight ({@link BiencoderLossConfig#buildWeighted}).
 *
 * <p>Every worker must have a non-empty batch at every step (the engine skips the step of an empty batch, which
 * would leave the others waiting in the gather): the job makes the triple count a multiple of the global batch.
 */
final class BiencoderTrainable implements Trainable {
    static final String QUERY = "query";
    static final String POSITIVE = "positive";
    static final String NEGATIVE = "negative";

    private final ColumnEncoder encoder;
    /** Optional per-triple weight column (width 1), written by train-biencoder for a weighted selection. */
    static final String WEIGHT = "weight";

    private final Function<WorkerTriples, WorkerGradients> loss;
    private final BiencoderLossConfig lossConfig;
    private java.util.function.BiFunction<WorkerTriples, double[], WorkerGradients> weightedLoss;
    private final INDArray params;
    private final INDArray gradient;

    BiencoderTrainable(PooledEncoder encoder, BiencoderLossConfig loss, int padId) {
        this(new PooledColumnEncoder(encoder, padId), loss);
    }

    BiencoderTrainable(ColumnEncoder encoder, BiencoderLossConfig loss) {
        this.encoder = encoder;
        this.loss = loss.build();
        this.lossConfig = loss;
        this.params = encoder.newParams();
        this.gradient = encoder.newGradient();
    }

    @Override
    public long numParams() {
        return encoder.numParams();
    }

    @Override
    public INDArray params() {
        return params;
    }

    @Override
    public INDArray gradient() {
        return gradient;
    }

    @Override
    public TensorLayout layout() {
        return encoder.layout();
    }

    @Override
    public StepResult computeGradient(Batch batch, StepContext context) {
        int b = batch.size();
        ColumnEncoder.Step step = encoder.begin(params, gradient);
        ColumnEncoder.Pass q = step.encode(batch, QUERY);
        ColumnEncoder.Pass p = step.encode(batch, POSITIVE);
        ColumnEncoder.Pass n = step.encode(batch, NEGATIVE);

        EmbeddingExchange exchange = new EmbeddingExchange(context.collective(), context.worker(), context.step());
        EmbeddingExchange.Gathered all = exchange.gather(q.embeddings(), p.embeddings(), n.embeddings());
        INDArray[] global = all.global();
        int offset = all.offset();
        long g = global[0].rows();
        WorkerTriples triples = new WorkerTriples(q.embeddings(), global[1], global[2], offset, global[0]);
        WorkerGradients share;
        if (batch.shard().hasColumn(WEIGHT)) {
            if (weightedLoss == null) {
                weightedLoss = lossConfig.buildWeighted();
            }
            float[] w = batch.rows(WEIGHT);
            double[] weights = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                weights[i] = w[i];
            }
            share = weightedLoss.apply(triples, weights);
        } else {
            share = loss.apply(triples);
        }
        INDArray[] summed = exchange.sum(share.globalQueries(), share.globalPositives(), share.globalNegatives());

        INDArray dQ = share.localQueries();
        if (summed[0] != null) {
            dQ = dQ.add(LossInputs.rows(summed[0], offset, b));
        }
        q.backward(dQ.mul(g));
        if (summed[1] != null) {
            p.backward(LossInputs.rows(summed[1], offset, b).muli(g));
        }
        if (summed[2] != null) {
            n.backward(LossInputs.rows(summed[2], offset, b).muli(g));
        }
        step.finish();
        return new StepResult(share.value() * g, b);
    }
}
