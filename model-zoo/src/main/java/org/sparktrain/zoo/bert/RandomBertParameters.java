package org.sparktrain.zoo.bert;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Random;

/**
 * A seeded, strongly random BERT parameter set for tests (gradient checks, engine equalities) of anything built on
 * {@link SameDiffBertEncoder}: BERT's initialisation ({@link BertParameters#initialized}) is too close to a
 * degenerate model for a test (attention near uniform, biases zero), so every entry gets extra noise,
 * <pre>
 *   w = w_init + ε,   ε ~ N(0, 0.3²) on LayerNorm gains (so gains are 1 + N(0, 0.3²)),  N(0, 0.5²) on all else.
 * </pre>
 * Then the attention is far from uniform, GELU works on both sides of 0, biases are non-zero, and every part of the
 * graph carries gradient. Same config, data type and seed, same values.
 */
public final class RandomBertParameters {
    private RandomBertParameters() {
    }

    /** {@link BertParameters#initialized}{@code (config, dataType, seed)} plus the noise above, drawn from seed + 1. */
    public static BertParameters create(BertConfig config, DataType dataType, long seed) {
        BertParameters p = BertParameters.initialized(config, dataType, seed);
        Random rng = new Random(seed + 1);
        for (String name : p.names()) {
            INDArray t = p.tensor(name);
            double std = name.endsWith("LayerNorm.weight") ? 0.3 : 0.5;
            for (long i = 0; i < t.length(); i++) {
                t.putScalar(i, t.getDouble(i) + std * rng.nextGaussian());
            }
        }
        return p;
    }
}
