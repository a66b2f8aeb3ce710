package org.sparktrain.engine;

import java.io.Serializable;

/**
 * What every worker of one round receives (broadcast, Java-serialised): the run's fixed parts and the state the
 * round starts from. A round runs {@code steps} consecutive steps within one epoch as one Spark barrier stage.
 */
record RoundSpec(String runKey, long round, String collectiveHost, int collectivePort, EngineConfig engine,
                 OptimizerConfig optimizer, TrainableFactory factory, AlgorithmState algorithm, int[] shardSizes,
                 int stepsPerEpoch, EngineState start, int steps) implements Serializable {
}
