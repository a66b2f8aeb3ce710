package org.sparktrain.jobs.biencoder;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.engine.Batch;
import org.sparktrain.engine.optim.TensorLayout;
import org.sparktrain.retrieval.encoder.ResidualHead;

import java.util.List;

/**
 * The {@code minilm-head} encoder on columns that hold each text's frozen base embedding (d floats, e.g.
 * all-MiniLM-L6-v2 sentence embeddings computed once with ONNX Runtime): e = normalize(u + W u + c)
 * ({@link ResidualHead}, parameters {@code [W row-major | c]}). Initial W = 0, c = 0 reproduces the base encoder,
 * so training starts from its zero-shot ranking. Only the head is trained; the transformer stays frozen.
 */
final class HeadColumnEncoder implements ColumnEncoder {
    private final ResidualHead head;

    HeadColumnEncoder(int dim) {
        this.head = new ResidualHead(dim, 0);
    }

    @Override
    public long numParams() {
        return head.numParams();
    }

    @Override
    public float[] initialParams() {
        return new float[Math.toIntExact(head.numParams())];
    }

    @Override
    public TensorLayout layout() {
        int d = head.dim();
        return new TensorLayout(List.of("W", "c"), new long[]{0, (long) d * d}, new long[]{(long) d * d, d});
    }

    @Override
    public Step begin(INDArray params, INDArray gradient) {
        return new DoubleStep(params, gradient) {
            @Override
            public Pass encode(Batch batch, String column) {
                int width = batch.shard().width(column);
                if (width != head.dim()) {
                    throw new IllegalArgumentException("column " + column + " has " + width + " values per record, "
                            + "the head expects embeddings of " + head.dim());
                }
                INDArray u = Nd4j.create(batch.rows(column), new long[]{batch.size(), width}, 'c')
                        .castTo(DataType.DOUBLE);
                ResidualHead.Forward f = head.forward(theta, u);
                return Pass.of(f.embeddings(), dE -> head.backward(theta, f, dE, grad));
            }
        };
    }
}
