package org.sparktrain.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.ISchedule;
import org.sparktrain.config.Check;
import org.sparktrain.engine.optim.FlatOptimizer;
import org.sparktrain.engine.optim.TensorLayout;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The update rule the engine applies to the flat parameter vector ({@link FlatOptimizer}), with defaults per type.
 * Keys a type does not use stay null (and are left out of the resolved config); setting one is an error naming it.
 *
 * @param type          {@code adam} (default), {@code sgd}, {@code nesterovs}, {@code rmsprop} (ND4J updaters);
 *                      learning-rate-free: {@code dadapt-adam}, {@code dadapt-sgd}, {@code prodigy}, {@code dog},
 *                      {@code ldog}; schedule-free: {@code schedule-free-adamw}, {@code schedule-free-sgd}
 * @param learningRate  step size; default 1e-3 (adam, rmsprop), 0.01 (sgd, nesterovs), 0.0025 (schedule-free-adamw)
 *                      and 1.0 for the others, where it multiplies the adapted step (keep 1)
 * @param beta1         first-moment decay (adam, dadapt-adam, prodigy; 0 = no m for prodigy) or the interpolation β
 *                      of schedule-free-adamw; default 0.9
 * @param beta2         second-moment decay; default 0.999
 * @param epsilon       denominator ε (Adam family, rmsprop) or ε added to G (dog, ldog); default 1e-8
 * @param momentum      nesterovs (default 0.9), dadapt-sgd (default 0), schedule-free-sgd β (default 0.9)
 * @param schedule      learning-rate schedule: {@code constant} (default), {@code cosine} or {@code linear} decay to 0
 *                      ({@link LearningRateSchedule}); schedule-free types allow only {@code constant}
 * @param warmupSteps   linear warm-up steps; default 0 (schedule-free: their built-in warm-up; prodigy needs
 *                      {@code safeguardWarmup} with a warm-up)
 * @param weightDecay   weight decay wd (LR-free and schedule-free types); default 0
 * @param decoupledWeightDecay AdamW-style decay x ← x − wd·γ·x instead of L2 in the gradient: dadapt-adam (default
 *                      false), prodigy (default true)
 * @param biasCorrection Adam's bias correction in the step (dadapt-adam, prodigy); default false
 * @param d0            initial distance estimate (dadapt-*, prodigy); default 1e-6
 * @param dCoef         multiplier of Prodigy's estimate; default 1
 * @param growthRate    cap on d's growth per step (dadapt-*, prodigy), at least 1; default Infinity (no cap)
 * @param beta3         Prodigy's decay of N and s; default √beta2
 * @param safeguardWarmup Prodigy: leave lr out of s (needed with warm-up or restarts); default false
 * @param weightStepPower schedule-free averaging weight w = (k+1)^r·lr_max^p: r; default 0
 * @param weightLrPower schedule-free p (weight_lr_power); default 2
 * @param repsRel       DoG's initial movement r_ε relative to 1 + ‖x0‖ (dog, ldog); default 1e-6 (1e-4 with BatchNorm)
 * @param initEta       DoG's first step size, replacing repsRel (optional; default: the r_ε formula)
 * @param averagingGamma DoG's polynomial-decay averaging γ; default 8
 * @param sliceP        Prodigy's slice_p: keep s and x0 (and take its dot and norm) on every p-th entry of each
 *                      parameter tensor, a memory-saving approximation; default 1 (all entries; the reference
 *                      suggests 11 where memory is tight)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OptimizerConfig(String type, Double learningRate, Double beta1, Double beta2, Double epsilon,
                              Double momentum, String schedule, Integer warmupSteps, Double weightDecay,
                              Boolean decoupledWeightDecay, Boolean biasCorrection, Double d0, Double dCoef,
                              Double growthRate, Double beta3, Boolean safeguardWarmup, Double weightStepPower,
                              Double weightLrPower, Double repsRel, Double initEta, Double averagingGamma,
                              Integer sliceP)
        implements java.io.Serializable {
    /** ND4J's element-wise updaters. */
    public static final List<String> ND4J_TYPES = List.of("adam", "sgd", "nesterovs", "rmsprop");
    public static final List<String> TYPES = List.of("adam", "sgd", "nesterovs", "rmsprop", "dadapt-adam",
            "dadapt-sgd", "prodigy", "schedule-free-adamw", "schedule-free-sgd", "dog", "ldog");
    public static final List<String> SCHEDULES = List.of("constant", "cosine", "linear");
    /** The types that estimate their own step size ({@link #adaptsStepSize()}). */
    public static final List<String> ADAPTIVE_TYPES = List.of("dadapt-adam", "dadapt-sgd", "prodigy", "dog", "ldog");

    private static final Set<String> SCHED = Set.of("schedule", "warmupSteps");
    /** The keys each type uses besides {@code type} and {@code learningRate}. */
    static final Map<String, Set<String>> KEYS = Map.ofEntries(
            Map.entry("adam", with(SCHED, "beta1", "beta2", "epsilon")),
            Map.entry("sgd", SCHED),
            Map.entry("nesterovs", with(SCHED, "momentum")),
            Map.entry("rmsprop", with(SCHED, "epsilon")),
            Map.entry("dadapt-sgd", with(SCHED, "momentum", "weightDecay", "d0", "growthRate")),
            Map.entry("dadapt-adam", with(SCHED, "beta1", "beta2", "epsilon", "weightDecay", "decoupledWeightDecay",
                    "biasCorrection", "d0", "growthRate")),
            Map.entry("prodigy", with(SCHED, "beta1", "beta2", "beta3", "epsilon", "weightDecay",
                    "decoupledWeightDecay", "biasCorrection", "safeguardWarmup", "d0", "dCoef", "growthRate",
                    "sliceP")),
            Map.entry("schedule-free-adamw", with(SCHED, "beta1", "beta2", "epsilon", "weightDecay",
                    "weightStepPower", "weightLrPower")),
            Map.entry("schedule-free-sgd", with(SCHED, "momentum", "weightDecay", "weightStepPower", "weightLrPower")),
            Map.entry("dog", with(SCHED, "epsilon", "weightDecay", "repsRel", "initEta", "averagingGamma")),
            Map.entry("ldog", with(SCHED, "epsilon", "weightDecay", "repsRel", "initEta", "averagingGamma")));

    public OptimizerConfig {
        type = Check.oneOf("type", type, "adam", TYPES);
        Set<String> keys = KEYS.get(type);
        Map<String, Object> given = new LinkedHashMap<>();
        given.put("beta1", beta1);
        given.put("beta2", beta2);
        given.put("epsilon", epsilon);
        given.put("momentum", momentum);
        given.put("schedule", schedule);
        given.put("warmupSteps", warmupSteps);
        given.put("weightDecay", weightDecay);
        given.put("decoupledWeightDecay", decoupledWeightDecay);
        given.put("biasCorrection", biasCorrection);
        given.put("d0", d0);
        given.put("dCoef", dCoef);
        given.put("growthRate", growthRate);
        given.put("beta3", beta3);
        given.put("safeguardWarmup", safeguardWarmup);
        given.put("weightStepPower", weightStepPower);
        given.put("weightLrPower", weightLrPower);
        given.put("repsRel", repsRel);
        given.put("initEta", initEta);
        given.put("averagingGamma", averagingGamma);
        given.put("sliceP", sliceP);
        for (Map.Entry<String, Object> e : given.entrySet()) {
            if (e.getValue() != null && !keys.contains(e.getKey())) {
                throw new IllegalArgumentException(e.getKey() + ": not used by optimizer type '" + type
                        + "' (its keys: learningRate, " + String.join(", ", keys.stream().sorted().toList()) + ")");
            }
        }
        boolean ndj = ND4J_TYPES.contains(type);
        boolean scheduleFree = type.startsWith("schedule-free");
        double defaultLr = switch (type) {
            case "adam", "rmsprop" -> 1e-3;
            case "sgd", "nesterovs" -> 0.01;
            case "schedule-free-adamw" -> 0.0025;
            default -> 1.0;
        };
        learningRate = Check.positive("learningRate", learningRate, defaultLr);
        beta1 = keys.contains("beta1") ? Check.inRange("beta1", beta1, 0.9, 0, 0.999999) : null;
        beta2 = keys.contains("beta2") ? Check.inRange("beta2", beta2, 0.999, 0, 0.999999999) : null;
        epsilon = keys.contains("epsilon") ? Check.positive("epsilon", epsilon, 1e-8) : null;
        momentum = keys.contains("momentum")
                ? Check.inRange("momentum", momentum, type.equals("dadapt-sgd") ? 0 : 0.9, 0, 0.999999) : null;
        schedule = Check.oneOf("schedule", schedule, "constant", SCHEDULES);
        warmupSteps = Check.atLeast("warmupSteps", warmupSteps, 0, 0);
        if (scheduleFree && !schedule.equals("constant")) {
            throw new IllegalArgumentException("schedule: " + type + " replaces the decay schedule by iterate averaging;"
                    + " only 'constant' is allowed (its warm-up is warmupSteps), got '" + schedule + "'");
        }
        weightDecay = ndj ? null : nonNegative("weightDecay", weightDecay, 0);
        decoupledWeightDecay = keys.contains("decoupledWeightDecay")
                ? (decoupledWeightDecay != null ? decoupledWeightDecay : type.equals("prodigy")) : null;
        biasCorrection = keys.contains("biasCorrection") ? Boolean.TRUE.equals(biasCorrection) : null;
        d0 = keys.contains("d0") ? Check.positive("d0", d0, 1e-6) : null;
        dCoef = keys.contains("dCoef") ? Check.positive("dCoef", dCoef, 1.0) : null;
        if (keys.contains("growthRate")) {
            growthRate = growthRate == null ? Double.POSITIVE_INFINITY : growthRate;
            if (!(growthRate >= 1)) {
                throw new IllegalArgumentException("growthRate: must be at least 1 (Infinity = no cap), got " + growthRate);
            }
        }
        beta3 = keys.contains("beta3") ? Check.inRange("beta3", beta3, Math.sqrt(beta2), 0, 0.999999999) : null;
        safeguardWarmup = keys.contains("safeguardWarmup") ? Boolean.TRUE.equals(safeguardWarmup) : null;
        if (type.equals("prodigy") && warmupSteps > 0 && !safeguardWarmup) {
            throw new IllegalArgumentException("warmupSteps: prodigy with a warm-up overestimates d unless "
                    + "safeguardWarmup is true (set optimizer.safeguardWarmup: true or drop the warm-up)");
        }
        weightStepPower = keys.contains("weightStepPower") ? nonNegative("weightStepPower", weightStepPower, 0) : null;
        weightLrPower = keys.contains("weightLrPower") ? nonNegative("weightLrPower", weightLrPower, 2) : null;
        if (keys.contains("initEta") && initEta != null) {
            Check.positive("initEta", initEta, 1);
            if (repsRel != null) {
                throw new IllegalArgumentException("repsRel: not used when initEta gives the first step; set only one");
            }
        } else {
            repsRel = keys.contains("repsRel") ? Check.positive("repsRel", repsRel, 1e-6) : null;
        }
        averagingGamma = keys.contains("averagingGamma") ? nonNegative("averagingGamma", averagingGamma, 8) : null;
        sliceP = keys.contains("sliceP") ? Check.atLeast("sliceP", sliceP, 1, 1) : null;
    }

    public static OptimizerConfig of(String type, double learningRate) {
        return new OptimizerConfig(type, learningRate, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null);
    }

    /** The type with every default, including its own default learning rate. */
    public static OptimizerConfig defaults(String type) {
        return new OptimizerConfig(type, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null);
    }

    public OptimizerConfig withSchedule(String kind, int warmup) {
        return new OptimizerConfig(type, learningRate, beta1, beta2, epsilon, momentum, kind, warmup, weightDecay,
                decoupledWeightDecay, biasCorrection, d0, dCoef, growthRate, beta3, safeguardWarmup, weightStepPower,
                weightLrPower, initEta != null ? null : repsRel, initEta, averagingGamma, sliceP);
    }

    /** The same rule with another learning rate (for learning-rate-free types: another multiplier of the adapted step). */
    public OptimizerConfig withLearningRate(double lr) {
        return new OptimizerConfig(type, lr, beta1, beta2, epsilon, momentum, schedule, warmupSteps, weightDecay,
                decoupledWeightDecay, biasCorrection, d0, dCoef, growthRate, beta3, safeguardWarmup, weightStepPower,
                weightLrPower, initEta != null ? null : repsRel, initEta, averagingGamma, sliceP);
    }

    /**
     * Whether the rule estimates its own step size (D-Adaptation, Prodigy, DoG, L-DoG), so that {@code learningRate}
     * is only a multiplier of the adapted step, to be kept at 1. Schedule-free types still take a step size.
     */
    public boolean adaptsStepSize() {
        return ADAPTIVE_TYPES.contains(type);
    }

    /** Whether this is one of ND4J's element-wise updaters (else an optimizer of {@code org.sparktrain.engine.optim}). */
    public boolean isNd4j() {
        return ND4J_TYPES.contains(type);
    }

    /**
     * Builds the update rule for a model.
     *
     * @param numParams  entries of the flat parameter vector
     * @param layout     the model's parameter tensors (used by {@code ldog})
     * @param totalSteps steps of the whole run, which a decay schedule spans
     */
    public FlatOptimizer create(long numParams, TensorLayout layout, long totalSteps) {
        return isNd4j() ? new FlatUpdater(toNd4j(totalSteps), numParams)
                : Optimizers.create(this, numParams, layout, schedule(totalSteps));
    }

    /** lr_k over the run: the learning rate with the warm-up and decay schedule. */
    public ISchedule schedule(long totalSteps) {
        return new LearningRateSchedule(schedule, learningRate, warmupSteps, totalSteps);
    }

    /**
     * The ND4J updater configuration implementing this rule (ND4J types only). ND4J's updaters are element-wise, so
     * applying one to the flat vector equals DL4J applying it layer by layer (checked by the engine equality tests).
     */
    public IUpdater toNd4j() {
        return toNd4j(0);
    }

    /** @param totalSteps steps of the whole run, which the schedule decays over (ignored for {@code constant}) */
    public IUpdater toNd4j(long totalSteps) {
        if (!isNd4j()) {
            throw new IllegalStateException("optimizer type '" + type + "' is not an ND4J updater; use create(...)");
        }
        IUpdater u = switch (type) {
            case "adam" -> new Adam(learningRate, beta1, beta2, epsilon);
            case "sgd" -> new Sgd(learningRate);
            case "nesterovs" -> new Nesterovs(learningRate, momentum);
            case "rmsprop" -> new RmsProp(learningRate, 0.95, epsilon);
            default -> throw new IllegalStateException(type);
        };
        if (!"constant".equals(schedule) || warmupSteps > 0) {
            u.setLrAndSchedule(learningRate, schedule(totalSteps));
        }
        return u;
    }

    private static double nonNegative(String field, Double value, double defaultValue) {
        double v = value == null ? defaultValue : value;
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(field + ": must be a non-negative finite number, got " + v);
        }
        return v;
    }

    private static Set<String> with(Set<String> base, String... more) {
        Set<String> s = new java.util.HashSet<>(base);
        s.addAll(List.of(more));
        return Set.copyOf(s);
    }
}
