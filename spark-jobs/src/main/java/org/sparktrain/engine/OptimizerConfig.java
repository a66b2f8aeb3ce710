package org.sparktrain.engine;

import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.ISchedule;
import org.sparktrain.config.Check;

import java.util.List;

/**
 * The update rule applied by the engine to the flat parameter vector.
 *
 * @param type         {@code adam} (default), {@code sgd}, {@code nesterovs} (SGD with Nesterov momentum) or
 *                     {@code rmsprop}
 * @param learningRate step size; default 1e-3 for adam/rmsprop, 0.01 for sgd/nesterovs
 * @param beta1        Adam first-moment decay; default 0.9
 * @param beta2        Adam second-moment decay; default 0.999
 * @param epsilon      Adam/RMSProp epsilon; default 1e-8
 * @param momentum     Nesterov momentum; default 0.9
 * @param schedule     learning-rate schedule over the run: {@code constant} (default), {@code cosine} or
 *                     {@code linear} decay to 0 at the last step ({@link LearningRateSchedule})
 * @param warmupSteps  linear warm-up steps before the schedule; default 0
 */
public record OptimizerConfig(String type, Double learningRate, Double beta1, Double beta2, Double epsilon,
                              Double momentum, String schedule, Integer warmupSteps) implements java.io.Serializable {
    public static final List<String> TYPES = List.of("adam", "sgd", "nesterovs", "rmsprop");
    public static final List<String> SCHEDULES = List.of("constant", "cosine", "linear");

    public OptimizerConfig {
        type = Check.oneOf("type", type, "adam", TYPES);
        double defaultLr = type.equals("sgd") || type.equals("nesterovs") ? 0.01 : 1e-3;
        learningRate = Check.positive("learningRate", learningRate, defaultLr);
        beta1 = Check.inRange("beta1", beta1, 0.9, 0, 0.999999);
        beta2 = Check.inRange("beta2", beta2, 0.999, 0, 0.999999999);
        epsilon = Check.positive("epsilon", epsilon, 1e-8);
        momentum = Check.inRange("momentum", momentum, 0.9, 0, 0.999999);
        schedule = Check.oneOf("schedule", schedule, "constant", SCHEDULES);
        warmupSteps = Check.atLeast("warmupSteps", warmupSteps, 0, 0);
    }

    public static OptimizerConfig of(String type, double learningRate) {
        return new OptimizerConfig(type, learningRate, null, null, null, null, null, null);
    }

    public OptimizerConfig withSchedule(String kind, int warmup) {
        return new OptimizerConfig(type, learningRate, beta1, beta2, epsilon, momentum, kind, warmup);
    }

    /**
     * The ND4J updater configuration implementing this rule. ND4J's updaters are element-wise, so applying one to
     * the flat parameter vector equals DL4J applying it layer by layer (checked by the engine equality tests).
     */
    public IUpdater toNd4j() {
        return toNd4j(0);
    }

    /** @param totalSteps steps of the whole run, which the schedule decays over (ignored for {@code constant}) */
    public IUpdater toNd4j(long totalSteps) {
        if ("constant".equals(schedule) && warmupSteps == 0) {
            return switch (type) {
                case "adam" -> new Adam(learningRate, beta1, beta2, epsilon);
                case "sgd" -> new Sgd(learningRate);
                case "nesterovs" -> new Nesterovs(learningRate, momentum);
                case "rmsprop" -> new RmsProp(learningRate, 0.95, epsilon);
                default -> throw new IllegalStateException(type);
            };
        }
        ISchedule lr = new LearningRateSchedule(schedule, learningRate, warmupSteps, totalSteps);
        return switch (type) {
            case "adam" -> {
                Adam adam = new Adam(learningRate, beta1, beta2, epsilon);
                adam.setLrAndSchedule(learningRate, lr);
                yield adam;
            }
            case "sgd" -> new Sgd(lr);
            case "nesterovs" -> new Nesterovs(lr, momentum);
            case "rmsprop" -> new RmsProp(lr);
            default -> throw new IllegalStateException(type);
        };
    }
}
