package org.sparktrain.engine;

import org.nd4j.linalg.schedule.ISchedule;
import org.sparktrain.engine.optim.DAdaptAdam;
import org.sparktrain.engine.optim.DAdaptSgd;
import org.sparktrain.engine.optim.DoG;
import org.sparktrain.engine.optim.FlatOptimizer;
import org.sparktrain.engine.optim.Prodigy;
import org.sparktrain.engine.optim.ScheduleFreeAdamW;
import org.sparktrain.engine.optim.ScheduleFreeSgd;
import org.sparktrain.engine.optim.TensorLayout;

/** Builds the learning-rate-free and schedule-free optimizers of {@code org.sparktrain.engine.optim} from an {@link OptimizerConfig}. */
final class Optimizers {
    private Optimizers() {
    }

    static FlatOptimizer create(OptimizerConfig c, long numParams, TensorLayout layout, ISchedule lr) {
        return switch (c.type()) {
            case "dadapt-adam" -> new DAdaptAdam(numParams, lr, new DAdaptAdam.Settings(c.beta1(), c.beta2(),
                    c.epsilon(), c.weightDecay(), c.decoupledWeightDecay(), c.biasCorrection(), c.d0(), c.growthRate()));
            case "dadapt-sgd" -> new DAdaptSgd(numParams, lr, new DAdaptSgd.Settings(c.momentum(), c.weightDecay(),
                    c.d0(), c.growthRate()));
            case "prodigy" -> new Prodigy(numParams, lr, new Prodigy.Settings(c.beta1(), c.beta2(), c.beta3(),
                    c.epsilon(), c.weightDecay(), c.decoupledWeightDecay(), c.biasCorrection(), c.safeguardWarmup(),
                    c.d0(), c.dCoef(), c.growthRate()), c.sliceP(),
                    layout != null ? layout : TensorLayout.single(numParams));
            case "schedule-free-adamw" -> new ScheduleFreeAdamW(numParams, c.learningRate(), c.beta1(), c.beta2(),
                    c.epsilon(), c.weightDecay(), c.warmupSteps(), c.weightStepPower(), c.weightLrPower());
            case "schedule-free-sgd" -> new ScheduleFreeSgd(numParams, c.learningRate(), c.momentum(),
                    c.weightDecay(), c.warmupSteps(), c.weightStepPower(), c.weightLrPower());
            case "dog" -> DoG.global(numParams, lr, dogSettings(c));
            case "ldog" -> {
                if (layout == null || layout.numParams() != numParams) {
                    throw new IllegalArgumentException("ldog needs the model's parameter tensor layout, got " + layout);
                }
                yield DoG.layerwise(lr, dogSettings(c), layout);
            }
            default -> throw new IllegalArgumentException("type: '" + c.type() + "' is not an optimizer of this package");
        };
    }

    private static DoG.Settings dogSettings(OptimizerConfig c) {
        return new DoG.Settings(c.repsRel() != null ? c.repsRel() : 0, c.epsilon(), c.weightDecay(), c.initEta(),
                c.averagingGamma());
    }
}
