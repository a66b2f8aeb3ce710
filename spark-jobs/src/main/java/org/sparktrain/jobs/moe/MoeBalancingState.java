package org.sparktrain.jobs.moe;

import org.sparktrain.engine.AlgorithmState;

/**
 * The routing biases of every MoE layer as engine state: replicated on every worker, no gradient, no optimizer
 * update, no weight decay, saved in every checkpoint ({@code global.f32}) and restored on {@code --resume}.
 *
 * <p>Global state: b, L×N floats (layer-major), initially 0. Statistics each worker adds per step
 * ({@link #statsSize()} doubles, summed by the engine over all workers):
 * <pre>
 *   [0, L·N)          tokens routed to each expert of each layer, over all of the worker's micro-batches
 *   L·N               Σ cross-entropy        L·N+1  Σ_micro-batches T·L_Bal       L·N+2  correct predictions
 *   [L·N+3, 2·L·N+3)  the biases the step routed with, written by worker 0 only (others add 0), for the metrics log
 * </pre>
 * {@link #onSync}, after every synchronised step on every replica: for loss-free balancing, each layer's bias is
 * moved by the {@link org.sparktrain.zoo.moe.BiasUpdateRule} from the <em>global</em> loads (Wang et al. 2024,
 * Algorithm 1), so all replicas apply the identical update. Under {@code local-sgd} the loads of the H local steps
 * are summed and the bias moves once per synchronisation.
 */
public record MoeBalancingState(int layers, int experts, BalancingConfig balancing) implements AlgorithmState {
    public int loadsSize() {
        return layers * experts;
    }

    public int ceIndex() {
        return loadsSize();
    }

    public int auxIndex() {
        return loadsSize() + 1;
    }

    public int correctIndex() {
        return loadsSize() + 2;
    }

    public int biasIndex() {
        return loadsSize() + 3;
    }

    @Override
    public int globalStateSize() {
        return loadsSize();
    }

    @Override
    public int statsSize() {
        return 2 * loadsSize() + 3;
    }

    @Override
    public void onSync(float[] globalState, double[] summedStats, long step) {
        if (!balancing.lossFree() || (balancing.freezeAfterStep() > 0 && step >= balancing.freezeAfterStep())) {
            return;
        }
        for (int l = 0; l < layers; l++) {
            balancing.updateRule().apply(globalState, l * experts, summedStats, l * experts, experts, balancing.rate());
        }
    }

    /** The biases as (L, N) doubles, from the flat float state. */
    public double[][] biases(float[] globalState) {
        double[][] b = new double[layers][experts];
        for (int l = 0; l < layers; l++) {
            for (int i = 0; i < experts; i++) {
                b[l][i] = globalState[l * experts + i];
            }
        }
        return b;
    }
}
