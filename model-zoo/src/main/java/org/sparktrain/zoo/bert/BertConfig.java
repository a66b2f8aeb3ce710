package org.sparktrain.zoo.bert;

import java.io.Serializable;

/**
 * Sizes of a post-LayerNorm BERT encoder (Devlin et al. 2019, "BERT: Pre-training of Deep Bidirectional Transformers
 * for Language Understanding", NAACL), as built by {@link SameDiffBertEncoder}.
 *
 * @param vocabSize     rows of the word embedding table V
 * @param hidden        model width H (must be a multiple of {@code heads})
 * @param layers        transformer blocks L
 * @param heads         attention heads per block; head width H / heads
 * @param intermediate  width of the feed-forward layer
 * @param maxPositions  rows of the learned position table (the longest sequence the encoder accepts)
 * @param typeVocabSize rows of the token type (segment) table
 * @param layerNormEps  ε added to the variance inside every LayerNorm's square root
 */
public record BertConfig(int vocabSize, int hidden, int layers, int heads, int intermediate, int maxPositions,
                         int typeVocabSize, double layerNormEps) implements Serializable {
    public BertConfig {
        positive("vocabSize", vocabSize);
        positive("hidden", hidden);
        positive("layers", layers);
        positive("heads", heads);
        positive("intermediate", intermediate);
        positive("maxPositions", maxPositions);
        positive("typeVocabSize", typeVocabSize);
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden (" + hidden + ") must be a multiple of heads (" + heads + ")");
        }
        if (!(layerNormEps > 0)) {
            throw new IllegalArgumentException("layerNormEps must be positive, got " + layerNormEps);
        }
    }

    /**
     * sentence-transformers' all-MiniLM-L6-v2 (Wang et al. 2020, MiniLM; Reimers &amp; Gurevych 2019): 6 layers,
     * hidden 384, 12 heads of 32, intermediate 1536, uncased vocabulary of 30,522, 512 positions, 2 token types,
     * ε = 1e-12 (the HuggingFace BertConfig of the model).
     */
    public static BertConfig allMiniLmL6V2() {
        return new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12);
    }

    /** Width of one attention head. */
    public int headSize() {
        return hidden / heads;
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
