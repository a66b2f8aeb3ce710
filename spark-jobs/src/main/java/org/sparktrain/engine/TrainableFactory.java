package org.sparktrain.engine;

import java.io.Serializable;

/**
 * Builds the {@link Trainable} on the driver (for initial parameters and the final model) and on every executor
 * (one per worker, reused across rounds). Serialised with Java serialisation into the round's broadcast.
 * The same seed must give the same initial parameters everywhere.
 */
public interface TrainableFactory extends Serializable {
    Trainable create();

    /** A key that identifies the architecture, used to reuse a built trainable on an executor across rounds. */
    String cacheKey();
}
