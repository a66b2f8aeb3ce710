package org.sparktrain.jobs.biencoder;

import org.sparktrain.config.Check;
import org.sparktrain.losses.retrieval.InfoNceConfig;
import org.sparktrain.losses.retrieval.InfoNceLoss;
import org.sparktrain.losses.retrieval.MarginErrorFunction;
import org.sparktrain.losses.retrieval.MarginReading;
import org.sparktrain.losses.retrieval.MarginTarget;
import org.sparktrain.losses.retrieval.RelevanceMarginConfig;
import org.sparktrain.losses.retrieval.RelevanceMarginLoss;
import org.sparktrain.losses.retrieval.WorkerGradients;
import org.sparktrain.losses.retrieval.WorkerTriples;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The training loss of {@code train-biencoder} (defaults here).
 *
 * @param type             {@code margin} (losses' {@link RelevanceMarginLoss}, Gienapp et al. 2025) or
 *                         {@code infonce} ({@link InfoNceLoss}); default {@code margin}
 * @param target           margin target {@code static}, {@code adaptive} (self-distillation, default) or
 *                         {@code distributed}
 * @param margin           the constant c of the static target; default 0.2
 * @param inBatchNegatives margin: every triple's negative is compared with every query; InfoNCE: every triple's
 *                         documents are candidates of every query. Across workers the batch is the global one
 *                         (cross-worker negatives). Default false for margin, true for InfoNCE (null = that default)
 * @param reading          margin: {@code broadcast} (reference code, default) or {@code symmetric}
 * @param detachTarget     margin: stop the gradient through the adaptive target; default false
 * @param temperature      InfoNCE τ; default 0.05
 */
public record BiencoderLossConfig(String type, String target, Double margin, Boolean inBatchNegatives, String reading,
                                  Boolean detachTarget, Double temperature) implements Serializable {
    public static final String MARGIN = "margin";
    public static final String INFONCE = "infonce";

    public BiencoderLossConfig {
        type = Check.oneOf("type", type, MARGIN, List.of(MARGIN, INFONCE));
        target = Check.oneOf("target", target, "adaptive", List.of("static", "adaptive", "distributed"));
        margin = margin == null ? 0.2 : margin;
        if (!Double.isFinite(margin)) {
            throw new IllegalArgumentException("margin: must be finite, got " + margin);
        }
        inBatchNegatives = inBatchNegatives == null ? INFONCE.equals(type) : inBatchNegatives;
        reading = Check.oneOf("reading", reading, "broadcast", List.of("broadcast", "symmetric"));
        detachTarget = detachTarget != null && detachTarget;
        temperature = Check.positive("temperature", temperature, 0.05);
        if (MARGIN.equals(type) && "distributed".equals(target) && inBatchNegatives) {
            throw new IllegalArgumentException("inBatchNegatives: must be false for target=distributed");
        }
    }

    public static BiencoderLossConfig defaults() {
        return new BiencoderLossConfig(null, null, null, null, null, null, null);
    }

    public static BiencoderLossConfig staticMargin(double c) {
        return new BiencoderLossConfig(MARGIN, "static", c, false, null, null, null);
    }

    public static BiencoderLossConfig adaptive() {
        return new BiencoderLossConfig(MARGIN, "adaptive", null, false, null, null, null);
    }

    public static BiencoderLossConfig infoNce() {
        return new BiencoderLossConfig(INFONCE, null, null, true, null, null, null);
    }

    public BiencoderLossConfig withInBatchNegatives(boolean on) {
        return new BiencoderLossConfig(type, target, margin, on, reading, detachTarget, temperature);
    }

    /** One worker's share of the loss over the global batch (see {@link WorkerTriples}). */
    public Function<WorkerTriples, WorkerGradients> build() {
        if (INFONCE.equals(type)) {
            InfoNceLoss loss = new InfoNceLoss(InfoNceConfig.defaults().withTemperature(temperature)
                    .withInBatchNegatives(inBatchNegatives));
            return loss::computeWorker;
        }
        RelevanceMarginConfig c = new RelevanceMarginConfig(MarginTarget.valueOf(target.toUpperCase(Locale.ROOT)),
                margin, inBatchNegatives, MarginReading.valueOf(reading.toUpperCase(Locale.ROOT)), detachTarget,
                MarginErrorFunction.L2);
        RelevanceMarginLoss loss = new RelevanceMarginLoss(c);
        return loss::computeWorker;
    }

    /**
     * One worker's share with per-row weights of its local triples (selection weights, {@link SelectedQueries}):
     * the relevance-margin loss only ({@link RelevanceMarginLoss#computeWorker(WorkerTriples, double[])}); InfoNCE
     * has no weighted form here, an {@link IllegalArgumentException} naming {@code loss.type}.
     */
    public java.util.function.BiFunction<WorkerTriples, double[], WorkerGradients> buildWeighted() {
        if (INFONCE.equals(type)) {
            throw new IllegalArgumentException("loss.type: infonce has no per-triple weights; train on a weighted "
                    + "selection with the relevance-margin loss, or set data.weights: false");
        }
        RelevanceMarginConfig c = new RelevanceMarginConfig(MarginTarget.valueOf(target.toUpperCase(Locale.ROOT)),
                margin, inBatchNegatives, MarginReading.valueOf(reading.toUpperCase(Locale.ROOT)), detachTarget,
                MarginErrorFunction.L2);
        RelevanceMarginLoss loss = new RelevanceMarginLoss(c);
        return loss::computeWorker;
    }

    /** A short name for reports, e.g. {@code margin(static c=0.2)} or {@code infonce(τ=0.05, in-batch)}. */
    public String describe() {
        String ib = inBatchNegatives ? ", in-batch" : "";
        if (INFONCE.equals(type)) {
            return String.format(Locale.ROOT, "infonce(τ=%s%s)", temperature, ib);
        }
        return "margin(" + target + ("static".equals(target) ? " c=" + margin : "") + ib
                + ("symmetric".equals(reading) ? ", symmetric" : "") + (detachTarget ? ", detached" : "") + ")";
    }
}
