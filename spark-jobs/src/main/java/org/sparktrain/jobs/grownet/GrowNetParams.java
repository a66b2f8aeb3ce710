package org.sparktrain.jobs.grownet;

import org.sparktrain.config.Check;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.zoo.grownet.GrowNetTask;

import java.util.List;

/**
 * Settings of a GrowNet fit (defaults in this constructor, nowhere else; the reference code's defaults from the
 * spec's table where it has them).
 *
 * @param task             {@code regression} (MSE), {@code binary} (logistic) or {@code ranking} (RankNet pairwise
 *                         within each query of {@code queryCol}); default regression
 * @param hidden           H, width of both hidden layers of every learner; default 16
 * @param stages           maximum number of weak learners; default 40
 * @param optimizer        update rule of the stage fits ({@link OptimizerConfig}, the same keys as every job's
 *                         {@code optimizer}); the corrective step uses its learning rate × 1/2 (binary, ranking) or
 *                         × 1/3 (regression), and every halving (see {@code halveEvery}) halves it, as the reference
 *                         code does with Adam's lr. Types that adapt their own step size (dadapt-*, prodigy, dog, ldog;
 *                         {@link OptimizerConfig#adaptsStepSize()}) run at their own multiplier in every phase.
 *                         Default {@code prodigy} at its defaults (learning-rate free; the reference code's Adam at
 *                         lr 0.005 is {@code {type: adam, learningRate: 0.005}})
 * @param l2               weight decay λ (PyTorch Adam's coupled L2); default 0
 * @param batchSize        global mini-batch size (divisible by workers), in records; for ranking in whole queries;
 *                         default 2048
 * @param epochsPerStage   epochs of each stage fit; default 1
 * @param correctiveEpochs epochs of each corrective step; default 1
 * @param boostRate        initial α; default 1.0
 * @param secondOrder      Newton targets (else first-order); default true
 * @param learnBoostRate   train α in the corrective step (else constant); default true
 * @param correctiveStep   run the fully corrective step after every stage but the first (ranking: from the 5th
 *                         stage on, as the reference code); default true
 * @param halveEvery       halve lr and λ at every stage index divisible by this; default 15
 * @param patience         stop after this many stages without a better validation metric (0 = never); default 10
 * @param workers          data-parallel engine workers; default 2
 * @param seed             seed of initialisation and batch order; default 42
 * @param featuresCol      input column: array of numbers or an ML Vector; default {@code features}
 * @param labelCol         label column (binary: 0/1 or -1/+1); default {@code label}
 * @param predictionCol    output column (F for regression, P(y = 1) for binary); default {@code prediction}
 * @param workDir          Hadoop directory for the engine's per-phase run directories (deleted after the fit);
 *                         default a directory under {@code java.io.tmpdir}
 * @param queryCol         ranking only: the query id column (any type; compared as its string value); default
 *                         {@code query}
 * @param featureScaling   map from raw features to network inputs, fitted on the training data and kept in the
 *                         model: {@code standard} ((x − mean)/sd) or {@code quantile} (rank-Gauss: Φ⁻¹ of the
 *                         training quantile, {@link org.sparktrain.zoo.grownet.QuantileNormalScaling}; for skewed or
 *                         heavy-tailed features); default standard
 * @param carryStepSize    for optimizers that estimate their step size from d0 (dadapt-adam, dadapt-sgd, prodigy):
 *                         start each stage fit from the d the previous stage fit ended with, and each corrective step
 *                         from the previous corrective step's d, instead of restarting from d0; default true (no effect
 *                         on other optimizer types)
 * @param weightCol        optional column of non-negative record weights c_i (Spark ML's {@code weightCol}): the
 *                         fit then trains as if row i were repeated c_i times: c_i multiplies each stage's
 *                         per-record loss h_i (α f_k − ỹ_i)² (Newton or first-order weight), the corrective step's
 *                         per-record loss, the initial score c0 (weighted mean, weighted log-odds), the feature
 *                         standardisation (weighted mean and sd) and the synchronised BatchNorm batch statistics;
 *                         the engine still averages over the rows of a batch, so the weights' scale is the loss
 *                         scale ({@code train-grownet} passes a selection's (R/n)·w, docs/selection.md). Not for
 *                         ranking nor with {@code featureScaling: quantile}. Default null: unweighted, exactly the
 *                         code path without weights
 */
public record GrowNetParams(String task, Integer hidden, Integer stages, OptimizerConfig optimizer, Double l2,
                            Integer batchSize, Integer epochsPerStage, Integer correctiveEpochs, Double boostRate,
                            Boolean secondOrder, Boolean learnBoostRate, Boolean correctiveStep, Integer halveEvery,
                            Integer patience, Integer workers, Long seed, String featuresCol, String labelCol,
                            String predictionCol, String workDir, String queryCol, String featureScaling,
                            Boolean carryStepSize,
                            @com.fasterxml.jackson.annotation.JsonInclude(
                                    com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                            String weightCol) implements java.io.Serializable {
    /** The settings without record weights (the canonical constructor with {@code weightCol} null). */
    public GrowNetParams(String task, Integer hidden, Integer stages, OptimizerConfig optimizer, Double l2,
                         Integer batchSize, Integer epochsPerStage, Integer correctiveEpochs, Double boostRate,
                         Boolean secondOrder, Boolean learnBoostRate, Boolean correctiveStep, Integer halveEvery,
                         Integer patience, Integer workers, Long seed, String featuresCol, String labelCol,
                         String predictionCol, String workDir, String queryCol, String featureScaling,
                         Boolean carryStepSize) {
        this(task, hidden, stages, optimizer, l2, batchSize, epochsPerStage, correctiveEpochs, boostRate, secondOrder,
                learnBoostRate, correctiveStep, halveEvery, patience, workers, seed, featuresCol, labelCol,
                predictionCol, workDir, queryCol, featureScaling, carryStepSize, null);
    }

    @com.fasterxml.jackson.annotation.JsonCreator // the canonical constructor binds the YAML
    public GrowNetParams {
        task = Check.oneOf("task", task, "regression", List.of("regression", "binary", "ranking"));
        hidden = Check.atLeast("hidden", hidden, 16, 1);
        stages = Check.atLeast("stages", stages, 40, 1);
        // Prodigy at its defaults: within 1 % of Adam tuned over 5 learning rates on census-house
        // (docs/benchmarks-optimizers.md), with its step-size estimate carried between phases (carryStepSize)
        optimizer = optimizer == null ? OptimizerConfig.defaults("prodigy") : optimizer;
        l2 = l2 == null ? 0.0 : l2;
        if (!(l2 >= 0)) {
            throw new IllegalArgumentException("l2: must be non-negative, got " + l2);
        }
        batchSize = Check.atLeast("batchSize", batchSize, 2048, 1);
        epochsPerStage = Check.atLeast("epochsPerStage", epochsPerStage, 1, 1);
        correctiveEpochs = Check.atLeast("correctiveEpochs", correctiveEpochs, 1, 1);
        boostRate = boostRate == null ? 1.0 : boostRate;
        secondOrder = secondOrder == null || secondOrder;
        learnBoostRate = learnBoostRate == null || learnBoostRate;
        correctiveStep = correctiveStep == null || correctiveStep;
        halveEvery = Check.atLeast("halveEvery", halveEvery, 15, 1);
        patience = Check.atLeast("patience", patience, 10, 0);
        workers = Check.atLeast("workers", workers, 2, 1);
        if (batchSize % workers != 0) {
            throw new IllegalArgumentException("batchSize: " + batchSize + " must be divisible by workers = " + workers);
        }
        seed = seed == null ? 42L : seed;
        featuresCol = featuresCol == null ? "features" : featuresCol;
        labelCol = labelCol == null ? "label" : labelCol;
        predictionCol = predictionCol == null ? "prediction" : predictionCol;
        queryCol = queryCol == null ? "query" : queryCol;
        featureScaling = Check.oneOf("featureScaling", featureScaling, "standard", List.of("standard", "quantile"));
        carryStepSize = carryStepSize == null || carryStepSize;
        weightCol = weightCol == null || weightCol.isBlank() ? null : weightCol;
        if (weightCol != null && task.equals("ranking")) {
            throw new IllegalArgumentException("weightCol: the ranking task takes no record weights (its RankNet "
                    + "loss is pairwise within a query)");
        }
        if (weightCol != null && featureScaling.equals("quantile")) {
            throw new IllegalArgumentException("weightCol: featureScaling 'quantile' takes no record weights (its "
                    + "knots are unweighted quantiles); use featureScaling: standard");
        }
    }

    public static GrowNetParams defaults() {
        return new GrowNetParams(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null);
    }

    public GrowNetTask taskType() {
        return switch (task) {
            case "binary" -> GrowNetTask.BINARY;
            case "ranking" -> GrowNetTask.RANKING;
            default -> GrowNetTask.REGRESSION;
        };
    }

    /** The reference code's corrective step size relative to the stage fits': 1/2 for classification and ranking, 1/3 for regression. */
    public double correctiveFactor() {
        return taskType() == GrowNetTask.REGRESSION ? 1.0 / 3 : 0.5;
    }

    /** The stage fits' update rule after {@code halvings} halvings of the learning rate. */
    public OptimizerConfig stageOptimizer(int halvings) {
        return scaled(Math.pow(0.5, halvings));
    }

    /** The corrective step's update rule after {@code halvings} halvings: the stage rule × {@link #correctiveFactor()}. */
    public OptimizerConfig correctiveOptimizer(int halvings) {
        return scaled(Math.pow(0.5, halvings) * correctiveFactor());
    }

    /** The optimizer with its learning rate × {@code factor}, unless it adapts its own step size. */
    private OptimizerConfig scaled(double factor) {
        return optimizer.adaptsStepSize() || factor == 1 ? optimizer
                : optimizer.withLearningRate(optimizer.learningRate() * factor);
    }

    /** The first stage that gets a corrective step: 2, or 5 for ranking (the reference L2R script). */
    public int firstCorrectiveStage() {
        return taskType() == GrowNetTask.RANKING ? 5 : 2;
    }

    /** A copy with other values for the ablation switches. */
    public GrowNetParams withAblation(boolean second, boolean learnAlpha, boolean corrective) {
        return new GrowNetParams(task, hidden, stages, optimizer, l2, batchSize, epochsPerStage, correctiveEpochs,
                boostRate, second, learnAlpha, corrective, halveEvery, patience, workers, seed, featuresCol, labelCol,
                predictionCol, workDir, queryCol, featureScaling, carryStepSize, weightCol);
    }

    /** A copy with another feature scaling ({@code standard} or {@code quantile}). */
    public GrowNetParams withFeatureScaling(String scaling) {
        return new GrowNetParams(task, hidden, stages, optimizer, l2, batchSize, epochsPerStage, correctiveEpochs,
                boostRate, secondOrder, learnBoostRate, correctiveStep, halveEvery, patience, workers, seed, featuresCol,
                labelCol, predictionCol, workDir, queryCol, scaling, carryStepSize, weightCol);
    }

    /** A copy with another optimizer and step-size carrying. */
    public GrowNetParams withOptimizer(OptimizerConfig o, boolean carry) {
        return new GrowNetParams(task, hidden, stages, o, l2, batchSize, epochsPerStage, correctiveEpochs,
                boostRate, secondOrder, learnBoostRate, correctiveStep, halveEvery, patience, workers, seed, featuresCol,
                labelCol, predictionCol, workDir, queryCol, featureScaling, carry, weightCol);
    }

    /** A copy reading the query ids from another column (ranking). */
    public GrowNetParams withQueryCol(String col) {
        return new GrowNetParams(task, hidden, stages, optimizer, l2, batchSize, epochsPerStage, correctiveEpochs,
                boostRate, secondOrder, learnBoostRate, correctiveStep, halveEvery, patience, workers, seed, featuresCol,
                labelCol, predictionCol, workDir, col, featureScaling, carryStepSize, weightCol);
    }

    /** A copy reading record weights from {@code col} (null: unweighted). */
    public GrowNetParams withWeightCol(String col) {
        return new GrowNetParams(task, hidden, stages, optimizer, l2, batchSize, epochsPerStage, correctiveEpochs,
                boostRate, secondOrder, learnBoostRate, correctiveStep, halveEvery, patience, workers, seed, featuresCol,
                labelCol, predictionCol, workDir, queryCol, featureScaling, carryStepSize, col);
    }

    public GrowNetParams withWorkers(int w) {
        return new GrowNetParams(task, hidden, stages, optimizer, l2, batchSize, epochsPerStage, correctiveEpochs,
                boostRate, secondOrder, learnBoostRate, correctiveStep, halveEvery, patience, w, seed, featuresCol,
                labelCol, predictionCol, workDir, queryCol, featureScaling, carryStepSize, weightCol);
    }
}
