package org.sparktrain.jobs.biencoder;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparktrain.engine.Batch;
import org.sparktrain.engine.optim.TensorLayout;
import org.sparktrain.retrieval.encoder.PooledEncoder;

/**
 * The {@code pooled} encoder ({@link PooledEncoder}) on token id columns: WordPiece ids as floats,
 * [CLS] ... [SEP] then padding with {@code padId} (the first pad ends the sequence).
 */
final class PooledColumnEncoder implements ColumnEncoder {
    private final PooledEncoder encoder;
    private final int padId;

    PooledColumnEncoder(PooledEncoder encoder, int padId) {
        this.encoder = encoder;
        this.padId = padId;
    }

    @Override
    public long numParams() {
        return encoder.numParams();
    }

    @Override
    public float[] initialParams() {
        return encoder.initialParams();
    }

    @Override
    public TensorLayout layout() {
        return new TensorLayout(PooledEncoder.tensorNames(), encoder.tensorOffsets(), encoder.tensorLengths());
    }

    @Override
    public Step begin(INDArray params, INDArray gradient) {
        return new DoubleStep(params, gradient) {
            @Override
            public Pass encode(Batch batch, String column) {
                PooledEncoder.Forward f = encoder.forward(theta, TokenIdColumn.sequences(batch, column, padId));
                return Pass.of(f.embeddings(), dE -> encoder.backward(theta, f, dE, grad));
            }
        };
    }
}
