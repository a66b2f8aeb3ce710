package org.sparktrain.jobs.biencoder;

import org.sparktrain.config.Check;
import org.sparktrain.engine.EngineConfig;

import java.util.List;

/**
 * Model selection of {@code train-biencoder} (defaults here): which trained point becomes the saved model.
 *
 * @param metric     {@code final} (default: the point after the last step) or {@code validation-ndcg10} (the
 *                   evaluated point with the highest nDCG@10 on the validation queries, {@code data.validationQueries},
 *                   which must then be at least 1; ties keep the earlier step)
 * @param everySteps with {@code validation-ndcg10}: evaluate every N global steps and at every epoch end; 0 = at
 *                   epoch ends only; default 20. The engine's rounds end, and its checkpoints are written, at these
 *                   steps ({@link #engineFor}), so a resumed run continues with the curve it had
 */
public record BiencoderSelectionConfig(String metric, Integer everySteps) implements java.io.Serializable {
    public static final String FINAL = "final";
    public static final String VALIDATION_NDCG10 = "validation-ndcg10";
    public static final List<String> METRICS = List.of(FINAL, VALIDATION_NDCG10);

    public BiencoderSelectionConfig {
        metric = Check.oneOf("metric", metric, FINAL, METRICS);
        everySteps = Check.atLeast("everySteps", everySteps, 20, 0);
    }

    public static BiencoderSelectionConfig defaults() {
        return new BiencoderSelectionConfig(null, null);
    }

    public static BiencoderSelectionConfig validationNdcg10(int everySteps) {
        return new BiencoderSelectionConfig(VALIDATION_NDCG10, everySteps);
    }

    public boolean selects() {
        return VALIDATION_NDCG10.equals(metric);
    }

    /**
     * The engine settings to train with: unchanged without selection (or with {@code everySteps} 0, epoch ends being
     * checkpoints already); else checkpoints every {@code everySteps} steps, because the engine hands the listeners
     * its state (with the optimizer's evaluation point) at checkpoints and epoch ends.
     */
    public EngineConfig engineFor(EngineConfig engine) {
        return selects() && everySteps > 0 ? engine.withCheckpointEvery(everySteps) : engine;
    }
}
