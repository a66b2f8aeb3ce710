package org.sparktrain.zoo.bert;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RandomBertParametersTest {
    @Test
    void sameSeedSameValuesAndEveryEntryMovedFromTheInitialisation() {
        BertParameters a = RandomBertParameters.create(TinyBert.CONFIG, DataType.DOUBLE, 5);
        BertParameters b = RandomBertParameters.create(TinyBert.CONFIG, DataType.DOUBLE, 5);
        BertParameters other = RandomBertParameters.create(TinyBert.CONFIG, DataType.DOUBLE, 6);
        BertParameters init = BertParameters.initialized(TinyBert.CONFIG, DataType.DOUBLE, 5);
        assertEquals(a.flat(), b.flat());
        assertNotEquals(a.flat(), other.flat());
        for (long i = 0; i < a.numParams(); i++) {
            assertNotEquals(init.flat().getDouble(i), a.flat().getDouble(i), "entry " + i);
        }
        // the noise's spread per tensor kind: LayerNorm gains 1 + N(0, 0.3²), the rest (mostly) N(0, 0.5²)
        INDArray gains = a.tensor(BertParameters.EMBEDDING_NORM_GAIN);
        INDArray queries = a.tensor(BertParameters.layerTensor(0, "attention.self.query.weight"));
        double gainStd = gains.sub(1.0).norm2Number().doubleValue() / Math.sqrt(gains.length());
        double queryStd = queries.norm2Number().doubleValue() / Math.sqrt(queries.length());
        assertTrue(gainStd > 0.1 && gainStd < 0.6, "LayerNorm gain spread " + gainStd);
        assertTrue(queryStd > 0.4 && queryStd < 0.6, "query weight spread " + queryStd);
    }
}
