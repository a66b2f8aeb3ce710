package org.sparktrain.jobs.biencoder;

import org.nd4j.linalg.api.buffer.DataType;
import org.sparktrain.engine.Trainable;
import org.sparktrain.engine.TrainableFactory;
import org.sparktrain.zoo.bert.BertConfig;
import org.sparktrain.zoo.bert.BertParameters;
import org.sparktrain.zoo.bert.RandomBertParameters;
import org.sparktrain.zoo.bert.SameDiffBertEncoder;

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

    /** {@link RandomBertParameters} of {@link #CONFIG} in double precision. */
    static BertParameters parameters(long seed) {
        return RandomBertParameters.create(CONFIG, DataType.DOUBLE, seed);
    }
}
