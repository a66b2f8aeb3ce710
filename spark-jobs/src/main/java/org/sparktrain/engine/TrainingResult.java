package org.sparktrain.engine;

/**
 * Outcome of a training run.
 *
 * @param state            final parameters, updater and algorithm state
 * @param stepsPerEpoch    synchronised steps per epoch
 * @param trainSeconds     wall-clock seconds spent in training rounds in this invocation (no checkpoints/evaluation)
 * @param samples          examples processed in this invocation
 * @param resumedFromStep  the checkpoint step this invocation resumed from, or -1
 */
public record TrainingResult(EngineState state, int stepsPerEpoch, double trainSeconds, long samples,
                             long resumedFromStep) {
    public double samplesPerSecond() {
        return trainSeconds > 0 ? samples / trainSeconds : 0;
    }

    /**
     * The trained model's parameters: the optimizer's evaluation point (Schedule-Free's x, DoG's x̄), which equals
     * the final parameters for the other optimizers. Export and evaluate these, not {@code state().params()}.
     */
    public float[] evalParams() {
        return state.evalParams();
    }
}
