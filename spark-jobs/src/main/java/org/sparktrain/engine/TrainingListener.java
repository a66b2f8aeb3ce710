package org.sparktrain.engine;

/**
 * Driver-side observer of a training run. {@link #onStep} is called for every synchronised step from the
 * collective server's network thread (keep it cheap and thread-safe); the other callbacks run on the driver's
 * main thread between rounds.
 */
public interface TrainingListener {
    default void onStart(int stepsPerEpoch, int epochs, EngineState start) {
    }

    /**
     * @param lossSum loss summed over all examples of the step on all workers (all steps since the previous sync
     *                under local-sgd)
     * @param weight  number of examples behind {@code lossSum}
     * @param stats   algorithm statistics summed over workers
     */
    default void onStep(long step, double lossSum, double weight, double[] stats) {
    }

    default void onRoundEnd(EngineState state) {
    }

    /** After the last step of an epoch; {@code state.epoch()} is the epoch that just ended. */
    default void onEpochEnd(int epoch, EngineState state) {
    }

    default void onCheckpoint(EngineState state, String path) {
    }

    /** Combines listeners. */
    static TrainingListener all(TrainingListener... listeners) {
        return new TrainingListener() {
            @Override
            public void onStart(int stepsPerEpoch, int epochs, EngineState start) {
                for (TrainingListener l : listeners) {
                    l.onStart(stepsPerEpoch, epochs, start);
                }
            }

            @Override
            public void onStep(long step, double lossSum, double weight, double[] stats) {
                for (TrainingListener l : listeners) {
                    l.onStep(step, lossSum, weight, stats);
                }
            }

            @Override
            public void onRoundEnd(EngineState state) {
                for (TrainingListener l : listeners) {
                    l.onRoundEnd(state);
                }
            }

            @Override
            public void onEpochEnd(int epoch, EngineState state) {
                for (TrainingListener l : listeners) {
                    l.onEpochEnd(epoch, state);
                }
            }

            @Override
            public void onCheckpoint(EngineState state, String path) {
                for (TrainingListener l : listeners) {
                    l.onCheckpoint(state, path);
                }
            }
        };
    }
}
