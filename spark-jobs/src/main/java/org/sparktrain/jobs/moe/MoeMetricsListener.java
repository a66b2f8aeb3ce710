package org.sparktrain.jobs.moe;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.sparktrain.engine.EngineState;
import org.sparktrain.engine.TrainingListener;
import org.sparktrain.jobs.MetricsLog;
import org.sparktrain.zoo.moe.MaxVio;

/**
 * Writes the MoE balance metrics of every synchronised step to {@code metrics.jsonl} from the statistics the engine
 * summed over all workers ({@link MoeBalancingState} layout):
 * <ul>
 *   <li>{@code moe} (every step): {@code maxVioBatch} (MaxVio on the step's global batch, averaged over layers),
 *       {@code ceLoss} (mean cross-entropy), {@code auxLoss} (mean of T·L_Bal over the batch), {@code batchAccuracy};</li>
 *   <li>{@code moe-experts} (every {@code logEvery} steps): per layer {@code layerL.tokens} (tokens per expert in the
 *       step), {@code layerL.bias} (the bias the step routed with), {@code layerL.maxVio}, {@code layerL.dead}.</li>
 * </ul>
 * "step" is the number of updates done after the step (as in the {@code train} records). For the language model
 * ({@code model.type: moe-lm}) the weight is the number of predicted tokens, so {@code ceLoss} is the mean
 * next-token cross-entropy, {@code batchAccuracy} the next-token arg-max accuracy, and the records add
 * {@code perplexity} = exp(ceLoss).
 */
final class MoeMetricsListener implements TrainingListener {
    private final MetricsLog metrics;
    private final MoeBalancingState state;
    private final int logEvery;
    private final boolean languageModel;
    private int stepsPerEpoch = 1;

    MoeMetricsListener(MetricsLog metrics, MoeBalancingState state, int logEvery) {
        this(metrics, state, logEvery, false);
    }

    MoeMetricsListener(MetricsLog metrics, MoeBalancingState state, int logEvery, boolean languageModel) {
        this.metrics = metrics;
        this.state = state;
        this.logEvery = logEvery;
        this.languageModel = languageModel;
    }

    @Override
    public void onStart(int stepsPerEpoch, int epochs, EngineState start) {
        this.stepsPerEpoch = Math.max(1, stepsPerEpoch);
    }

    @Override
    public void onStep(long step, double lossSum, double weight, double[] stats) {
        if (stats.length < state.statsSize() || weight <= 0) {
            return;
        }
        int layers = state.layers();
        int n = state.experts();
        ObjectNode r = MetricsLog.record("moe");
        r.put("step", step + 1);
        r.put("epoch", (int) (step / stepsPerEpoch));
        r.put("maxVioBatch", MaxVio.meanOverLayers(stats, layers, n));
        r.put("ceLoss", stats[state.ceIndex()] / weight);
        r.put("auxLoss", stats[state.auxIndex()] / weight);
        r.put("batchAccuracy", stats[state.correctIndex()] / weight);
        if (languageModel) {
            r.put("perplexity", Math.exp(stats[state.ceIndex()] / weight));
        }
        metrics.write(r);
        if ((step + 1) % logEvery == 0 || step == 0) {
            ObjectNode e = MetricsLog.record("moe-experts");
            e.put("step", step + 1);
            e.put("epoch", (int) (step / stepsPerEpoch));
            for (int l = 0; l < layers; l++) {
                ObjectNode layer = e.putObject("layer" + l);
                layer.put("maxVio", MaxVio.of(stats, l * n, n));
                layer.put("dead", MaxVio.deadExperts(stats, l * n, n));
                ArrayNode tokens = layer.putArray("tokens");
                ArrayNode bias = layer.putArray("bias");
                for (int i = 0; i < n; i++) {
                    tokens.add(stats[l * n + i]);
                    bias.add(stats[state.biasIndex() + l * n + i]);
                }
            }
            metrics.write(e);
        }
    }

    /** A {@code moe-validation} record: accuracy, loss, MaxVio_global and per-layer loads, dead experts and bias. */
    static ObjectNode validationRecord(MoeEvaluation m, float[] bias, long step, int epoch, String split) {
        return validationRecord(m, bias, step, epoch, split, false);
    }

    /**
     * A {@code moe-validation} record; for the language model also {@code perplexity} = exp(mean cross-entropy per
     * predicted token) and {@code tokens} (predicted tokens).
     */
    static ObjectNode validationRecord(MoeEvaluation m, float[] bias, long step, int epoch, String split,
                                       boolean languageModel) {
        ObjectNode r = MetricsLog.record("moe-validation");
        r.put("step", step);
        r.put("epoch", epoch);
        r.put("split", split);
        r.put("accuracy", m.accuracy());
        r.put("loss", m.meanLoss());
        r.put("maxVioGlobal", m.maxVioGlobal());
        if (languageModel) {
            r.put("perplexity", Math.exp(m.meanLoss()));
            r.put("tokens", m.count());
        }
        int dead = 0;
        for (int l = 0; l < m.layers(); l++) {
            ObjectNode layer = r.putObject("layer" + l);
            layer.put("maxVio", m.maxVio(l));
            layer.put("dead", m.deadExperts(l));
            dead += m.deadExperts(l);
            ArrayNode tokens = layer.putArray("tokens");
            ArrayNode b = layer.putArray("bias");
            for (int i = 0; i < m.experts(); i++) {
                tokens.add(m.loads(l)[i]);
                b.add(bias[l * m.experts() + i]);
            }
        }
        r.put("deadExperts", dead);
        return r;
    }
}
