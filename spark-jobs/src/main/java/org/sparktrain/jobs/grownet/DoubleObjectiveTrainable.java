package org.sparktrain.jobs.grownet;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.engine.StepContext;
import org.sparktrain.engine.Trainable;
import org.sparktrain.zoo.grownet.ObjectiveResult;

/**
 * What GrowNet's two engine trainables ({@link StageTrainable}, {@link CorrectiveTrainable}) share: the engine holds
 * the parameters as a float ND4J row vector, the objective runs on double copies (model-zoo's hand-written passes),
 * and every step ends the same way: coupled L2 λ·weight·θ (PyTorch Adam's {@code weight_decay}, so the engine's
 * mean gradient carries λθ) is added to the summed gradient, the BatchNorm sums are reported for the running
 * statistics, and the gradient goes back to the engine as floats.
 */
abstract class DoubleObjectiveTrainable implements Trainable {
    private final INDArray params;
    private final org.sparktrain.engine.optim.TensorLayout layout;
    private INDArray gradient;

    /** @param tensors the parameter tensors of {@code initial} in their flat order (L-DoG's per-tensor norms) */
    DoubleObjectiveTrainable(double[] initial, org.sparktrain.zoo.ParamTensors tensors) {
        this.params = Nd4j.createFromArray(RunningStatistics.toFloats(initial)).reshape(1, initial.length);
        this.gradient = Nd4j.zerosLike(params);
        this.layout = org.sparktrain.engine.optim.TensorLayout.of(tensors, initial.length);
    }

    @Override
    public final org.sparktrain.engine.optim.TensorLayout layout() {
        return layout;
    }

    @Override
    public final long numParams() {
        return params.length();
    }

    @Override
    public final INDArray params() {
        return params;
    }

    @Override
    public final INDArray gradient() {
        return gradient;
    }

    /** The engine's current parameters in double. */
    final double[] theta() {
        return RunningStatistics.toDoubles(params.toFloatVector());
    }

    /**
     * Finishes a step: adds λ·weight·θ_i to the summed gradient for i &lt; {@code decayed} (the rest get no decay),
     * reports the BatchNorm sums of {@code rows} rows (with record weights: their weight sum) to {@code running}, and
     * keeps the gradient for the engine.
     *
     * @return the step's summed loss with the engine weight {@code weight}
     */
    final StepResult finish(ObjectiveResult r, double[] theta, double l2, double weight, int decayed,
                            RunningStatistics running, StepContext context, double rows) {
        double[] g = r.gradient();
        for (int i = 0; i < decayed; i++) {
            g[i] += l2 * weight * theta[i];
        }
        running.report(context.stats(), r.batchNormSums(), rows);
        gradient = Nd4j.createFromArray(RunningStatistics.toFloats(g)).reshape(1, g.length);
        return new StepResult(r.lossSum(), weight);
    }
}
