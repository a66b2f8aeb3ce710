package org.sparktrain.engine;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparktrain.engine.optim.TensorLayout;

/**
 * A model as the engine sees it: one flat float parameter vector and a function from a mini-batch to a loss and a
 * gradient. Every method sparktrain trains (classifiers, biencoders, contrastive encoders, MoE, GrowNet stages)
 * plugs into the engine through this interface; none writes its own Spark loop.
 *
 * <p>Contract of {@link #computeGradient}: after the call, {@link #gradient()} holds the gradient of the
 * <em>summed</em> loss over the batch's examples, i.e. {@code weight x} the gradient of the batch-mean loss, and
 * the result carries that loss sum and the weight (normally the number of examples). The engine adds sums and
 * weights over all workers and divides once, so W workers on equal shards equal one worker on the combined batch.
 * Implementations must not change {@link #params()} there; the engine applies the update.
 */
public interface Trainable extends AutoCloseable {
    long numParams();

    /** The live flat parameter vector (1 x numParams, float); the engine reads and writes it in place. */
    INDArray params();

    /** Computes loss sum and summed gradient of a (possibly empty) batch; see the class contract. */
    StepResult computeGradient(Batch batch, StepContext context);

    /** The summed gradient of the last {@link #computeGradient} call (1 x numParams, float). */
    INDArray gradient();

    /**
     * Where each parameter tensor (weight matrix, bias, ...) lies in the flat vector, for per-tensor optimizers
     * (L-DoG). The default treats the whole vector as one tensor; models built from several tensors override it.
     */
    default TensorLayout layout() {
        return TensorLayout.single(numParams());
    }

    @Override
    default void close() {
    }

    /** Loss summed over the batch's examples and the weight it stands for (the number of examples). */
    record StepResult(double lossSum, double weight) {
        public static final StepResult EMPTY = new StepResult(0, 0);
    }
}
