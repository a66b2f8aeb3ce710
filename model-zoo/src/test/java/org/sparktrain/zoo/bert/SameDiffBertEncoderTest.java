package org.sparktrain.zoo.bert;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SameDiffBertEncoderTest {

    /** The padded, masked SameDiff batch equals the plain-Java forward of each sequence alone (no padding). */
    @Test
    void paddedBatchEqualsIndependentPerSequenceForward() {
        BertParameters p = TinyBert.parameters(11);
        SameDiffBertEncoder encoder = new SameDiffBertEncoder(p);
        BertReferenceForward reference = new BertReferenceForward(p);
        BertTokenBatch batch = TinyBert.batch();
        INDArray hidden = encoder.lastHiddenState(batch);
        INDArray emb = encoder.sentenceEmbeddings(batch);
        assertEquals(3, emb.rows());
        assertEquals(8, emb.columns());
        assertEquals(7, hidden.size(1));
        double worst = 0;
        for (int b = 0; b < 3; b++) {
            double[][] h = reference.hidden(TinyBert.ids()[b], TinyBert.types()[b]);
            for (int t = 0; t < h.length; t++) {
                for (int k = 0; k < 8; k++) {
                    worst = Math.max(worst, Math.abs(h[t][k] - hidden.getDouble(b, t, k)));
                }
            }
            double[] e = reference.embedding(TinyBert.ids()[b], TinyBert.types()[b]);
            for (int k = 0; k < 8; k++) {
                worst = Math.max(worst, Math.abs(e[k] - emb.getDouble(b, k)));
            }
        }
        System.out.printf("tiny BERT, SameDiff (padded batch) vs plain-Java reference: max |diff| = %.3e%n", worst);
        assertTrue(worst < 1e-10, "max |diff| " + worst);
    }

    @Test
    void theFlatParameterVectorIsLive() {
        BertParameters p = TinyBert.parameters(12);
        SameDiffBertEncoder encoder = new SameDiffBertEncoder(p);
        BertTokenBatch batch = TinyBert.batch();
        INDArray before = encoder.sentenceEmbeddings(batch);
        // word embedding row 49 is used only by sequence 1
        long at = p.offset(BertParameters.WORD_EMBEDDINGS) + 49L * 8 + 3;
        encoder.params().putScalar(0, at, encoder.params().getDouble(0, at) + 0.7);
        assertEquals(p.tensor(BertParameters.WORD_EMBEDDINGS).getDouble(49, 3), encoder.params().getDouble(0, at));
        INDArray after = encoder.sentenceEmbeddings(batch);
        assertEquals(0.0, after.getRow(0).sub(before.getRow(0)).norm2Number().doubleValue(), 1e-15);
        assertTrue(after.getRow(1).sub(before.getRow(1)).norm2Number().doubleValue() > 1e-3);
        double[] expected = new BertReferenceForward(p).embedding(TinyBert.ids()[1], TinyBert.types()[1]);
        for (int k = 0; k < 8; k++) {
            assertEquals(expected[k], after.getDouble(1, k), 1e-10);
        }
    }

    /**
     * all-MiniLM-L6-v2 without its (unused) pooler: 30522·384 + 512·384 + 2·384 + 2·384 embeddings
     * = 11,918,592 plus 6 layers of 4·(384² + 384) + 2·384 + (384·1536 + 1536) + (1536·384 + 384) + 2·384
     * = 1,774,464 each: 22,565,376 (with the 147,840 pooler weights it is the well-known 22.7M).
     */
    @Test
    void miniLmHasTheExpectedParameterCount() {
        BertParameters p = BertParameters.zeros(BertConfig.allMiniLmL6V2(), DataType.FLOAT);
        assertEquals(22_565_376L, p.numParams());
        assertEquals(5 + 6 * 16, p.names().size());
        assertEquals(11_918_592L, p.offset(BertParameters.layerTensor(0, "attention.self.query.weight")));
    }

    @Test
    void rejectsIdsOutsideTheTablesAndTooLongSequences() {
        SameDiffBertEncoder encoder = new SameDiffBertEncoder(TinyBert.parameters(13));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> encoder.sentenceEmbeddings(BertTokenBatch.of(new int[][]{{1, 50, 2}}, 0)));
        assertTrue(e.getMessage().contains("token id 50 at sequence 0, position 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> encoder.sentenceEmbeddings(
                new BertTokenBatch(new int[][]{{1, 2}}, new int[][]{{0, 2}}, 0)));
        assertTrue(e.getMessage().contains("token type 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> encoder.sentenceEmbeddings(BertTokenBatch.of(new int[][]{new int[13]}, 0)));
        assertTrue(e.getMessage().contains("13 tokens exceeds the 12 positions"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> encoder.backward(TinyBert.batch(), org.nd4j.linalg.factory.Nd4j.zeros(2, 8)));
        assertTrue(e.getMessage().contains("upstream gradient must be (3, 8)"), e.getMessage());
    }
}
