package org.sparktrain.jobs.biencoder;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparktrain.engine.Trainable;
import org.sparktrain.engine.TrainableFactory;
import org.sparktrain.zoo.bert.BertConfig;
import org.sparktrain.zoo.bert.BertParameters;
import org.sparktrain.zoo.bert.SameDiffBertEncoder;

import java.util.Random;

/**
 * The {@code minilm} trainable of the tests: {@link BertColumnEncoder} on a tiny random BERT in double precision
 * (vocabulary {@link BiencoderFixtures#VOCAB} = 30 so the fixtures' token ids fit, hidden 8, 2 layers, 2 heads of 4,
 * intermediate 16, 8 positions = the fixtures' longest column), pad id 0. Same seed, same weights on every replica.
 */
record TinyBertBiencoderFactory(long seed, BiencoderLossConfig loss) implements TrainableFactory {
    static final BertConfig CONFIG = new BertConfig(BiencoderFixtures.VOCAB, 8, 2, 2, 16, BiencoderFixtures.DOC_WIDTH,
            2, 1e-12);

    @Override
    public BiencoderTrainable create() {
        return new BiencoderTrainable(new BertColumnEncoder(new SameDiffBertEncoder(parameters(seed)), 0), loss);
    }

    @Override
    public String cacheKey() {
        return "tiny-bert-biencoder:" + seed + ":" + loss;
    }

    /**
     * BERT's initialisation plus N(0, 0.5²) on every entry (LayerNorm gains 1 + N(0, 0.3²)): attention far from
     * uniform, GELU on both sides of 0, non-zero biases, so every part of the graph carries gradient.
     */
    static BertParameters parameters(long seed) {
        BertParameters p = BertParameters.initialized(CONFIG, DataType.DOUBLE, seed);
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
