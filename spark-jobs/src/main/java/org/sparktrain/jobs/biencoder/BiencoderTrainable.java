package org.sparktrain.jobs.biencoder;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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
 * {@link PooledEncoder} on token ids, or the {@code minilm-head} on frozen MiniLM embeddings) embeds the local
 * triples' queries, positives and negatives; the embeddings of all workers are gathered (cross-worker negatives); the loss (relevance margin or
 * InfoNCE, {@link BiencoderLossConfig}) gives this worker's rows of the global loss and their gradients; the
 * gradients w.r.t. the gathered documents are summed over workers (the backward of the gather) and each worker
 * back-propagates the rows of its own texts through its encoder replica.
 *
 * <p><b>Columns</b>: {@value #QUERY}, {@value #POSITIVE} and {@value #NEGATIVE}, in the encoder's format
 * (pooled: WordPiece ids as floats, [CLS] ... [SEP] then [PAD]; minilm-head: the d floats of the base embedding).
 *
 * <p><b>Scaling</b>: the losses return worker shares of the global batch-mean loss L over G triples. The engine
 * divides summed losses and gradients by the summed weight, so a worker reports loss sum G·share, weight b (its
 * rows) and gradient G·∂share/∂θ: the engine then applies ∂L/∂θ, the same as one worker on the combined batch.
 *
 * <p>Every worker must have a non-empty batch at every step (the engine skips the step of an empty batch, which
 * would leave the others waiting in the gather): the job makes the triple count a multiple of the global batch.
 */
final class BiencoderTrainable implements Trainable {
    static final String QUERY = "query";
    static final String POSITIVE = "positive";
    static final String NEGATIVE = "negative";

    private final ColumnEncoder encoder;
    private final Function<WorkerTriples, WorkerGradients> loss;
    private final INDArray params;
    private final INDArray gradient;

    BiencoderTrainable(PooledEncoder encoder, BiencoderLossConfig loss, int padId) {
        this(new PooledColumnEncoder(encoder, padId), loss);
    }

    BiencoderTrainable(ColumnEncoder encoder, BiencoderLossConfig loss) {
        this.encoder = encoder;
        this.loss = loss.build();
        float[] init = encoder.initialParams();
        this.params = Nd4j.create(init, new long[]{1, init.length}, 'c');
        this.gradient = Nd4j.zeros(DataType.FLOAT, 1, init.length);
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
        double[] theta = params.toDoubleVector();
        ColumnEncoder.Pass q = encoder.encode(theta, batch, QUERY);
        ColumnEncoder.Pass p = encoder.encode(theta, batch, POSITIVE);
        ColumnEncoder.Pass n = encoder.encode(theta, batch, NEGATIVE);

        EmbeddingExchange exchange = new EmbeddingExchange(context.collective(), context.worker(), context.step());
        EmbeddingExchange.Gathered all = exchange.gather(q.embeddings(), p.embeddings(), n.embeddings());
        INDArray[] global = all.global();
        int offset = all.offset();
        long g = global[0].rows();
        WorkerGradients share = loss.apply(new WorkerTriples(q.embeddings(), global[1], global[2], offset, global[0]));
        INDArray[] summed = exchange.sum(share.globalQueries(), share.globalPositives(), share.globalNegatives());

        INDArray dQ = share.localQueries();
        if (summed[0] != null) {
            dQ = dQ.add(LossInputs.rows(summed[0], offset, b));
        }
        double[] grad = new double[Math.toIntExact(numParams())];
        q.backward(dQ.mul(g), grad);
        if (summed[1] != null) {
            p.backward(LossInputs.rows(summed[1], offset, b).muli(g), grad);
        }
        if (summed[2] != null) {
            n.backward(LossInputs.rows(summed[2], offset, b).muli(g), grad);
        }
        float[] f = new float[grad.length];
        for (int i = 0; i < grad.length; i++) {
            f[i] = (float) grad[i];
        }
        gradient.assign(Nd4j.create(f, new long[]{1, f.length}, 'c'));
        return new StepResult(share.value() * g, b);
    }
}
