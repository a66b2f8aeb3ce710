package org.sparktrain.zoo.bert;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedding-table scatter-add ({@link TokenEmbeddingSum#backward}) on sequences longer than 34 tokens, with the
 * probe BERT of the bug report (hidden 32, 2 layers, 64 position rows): ∂L/∂Pos[t] = Σ_{n: t_n = t} ∂L/∂x_n (likewise
 * Word over ids and Type over type ids), all other rows 0, checked against a plain double loop and, through the whole
 * encoder, against central finite differences; and an id outside its table is refused instead of being written
 * through ND4J's unchecked {@code putRow} into the neighbouring tensor of the flat gradient vector.
 */
class EmbeddingScatterAddLongSequenceTest {
    /** vocab 100, hidden 32, 2 layers, 4 heads, intermediate 64, 64 positions, 2 token types. */
    static final BertConfig PROBE = new BertConfig(100, 32, 2, 4, 64, 64, 2, 1e-12);

    /** Sequences of 60 and 37 tokens (positions up to 59), repeated ids, both token types. */
    static BertTokenBatch longBatch() {
        Random rng = new Random(7);
        int[][] ids = {new int[60], new int[37]};
        int[][] types = {new int[60], new int[37]};
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < ids[b].length; t++) {
                ids[b][t] = 1 + rng.nextInt(20);
                types[b][t] = t < ids[b].length / 2 ? 0 : 1;
            }
        }
        return new BertTokenBatch(ids, types, 0);
    }

    @Test
    void tableGradientsOfALongBatchEqualAPlainLoop() {
        for (DataType dt : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
            BertTokenBatch batch = longBatch();
            int tokens = batch.batchSize() * batch.length();
            INDArray dx = SameDiffBertEncoderGradientTest.gaussian(new Random(8), tokens, 32).castTo(dt);
            BertParameters gradient = RandomBertParameters.create(PROBE, dt, 9);   // non-zero rows must be cleared
            TokenEmbeddingSum.backward(batch, dx, gradient);
            double[][] rows = dx.castTo(DataType.DOUBLE).toDoubleMatrix();
            double tol = dt == DataType.DOUBLE ? 1e-12 : 1e-4;
            check(BertParameters.WORD_EMBEDDINGS, batch.inputIds(), rows, gradient, tol);
            check(BertParameters.POSITION_EMBEDDINGS, batch.positionIds(), rows, gradient, tol);
            check(BertParameters.TOKEN_TYPE_EMBEDDINGS, batch.tokenTypeIds(), rows, gradient, tol);
            // position rows 35..59 are used only by the first sequence and, up to 36, by the second one's tokens
            assertTrue(gradient.tensor(BertParameters.POSITION_EMBEDDINGS).getRow(59).norm2Number().doubleValue() > 0);
            assertEquals(0.0, gradient.tensor(BertParameters.POSITION_EMBEDDINGS).getRow(60).norm2Number()
                    .doubleValue(), 0.0);
        }
    }

    /** Independent loop: expected[v][k] = Σ_{n: index_n = v} rows[n][k]. */
    private static void check(String name, int[] index, double[][] rows, BertParameters gradient, double tol) {
        INDArray table = gradient.tensor(name);
        double[][] expected = new double[(int) table.rows()][(int) table.columns()];
        for (int n = 0; n < index.length; n++) {
            for (int k = 0; k < expected[0].length; k++) {
                expected[index[n]][k] += rows[n][k];
            }
        }
        double[][] actual = table.castTo(DataType.DOUBLE).toDoubleMatrix();
        for (int v = 0; v < expected.length; v++) {
            for (int k = 0; k < expected[0].length; k++) {
                assertEquals(expected[v][k], actual[v][k], tol * Math.max(1, Math.abs(expected[v][k])),
                        name + " row " + v + " column " + k);
            }
        }
    }

    /** One backward of the probe encoder on the long batch; position-table derivative vs central differences. */
    @Test
    void positionTableGradientOfTheProbeEncoderMatchesCentralDifferences() {
        BertParameters p = RandomBertParameters.create(PROBE, DataType.DOUBLE, 10);
        SameDiffBertEncoder encoder = new SameDiffBertEncoder(p);
        BertTokenBatch batch = longBatch();
        Random rng = new Random(11);
        INDArray g = SameDiffBertEncoderGradientTest.gaussian(rng, 2, 32);
        encoder.backward(batch, g);
        INDArray analytic = encoder.gradient().dup();
        // directions inside the position table: rows 35..59 only (the long positions), then the whole table
        long from = p.offset(BertParameters.POSITION_EMBEDDINGS);
        for (long firstRow : new long[]{35, 0}) {
            INDArray v = Nd4j.zeros(DataType.DOUBLE, 1, p.numParams());
            for (long i = from + firstRow * 32; i < from + 60 * 32; i++) {
                v.putScalar(0, i, rng.nextGaussian());
            }
            v.divi(v.norm2Number());
            double exact = analytic.mul(v).sumNumber().doubleValue();
            double h = SameDiffBertEncoderGradientTest.H;
            INDArray saved = encoder.params().dup();
            encoder.params().addi(v.mul(h));
            double up = SameDiffBertEncoderGradientTest.loss(encoder, batch, g);
            encoder.params().assign(saved).subi(v.mul(h));
            double down = SameDiffBertEncoderGradientTest.loss(encoder, batch, g);
            encoder.params().assign(saved);
            double numeric = (up - down) / (2 * h);
            System.out.printf("probe BERT, T=60, position rows %d..59: analytic %.10e numeric %.10e%n",
                    firstRow, exact, numeric);
            assertTrue(Math.abs(exact) > 1e-6, "direction carries gradient");
            assertEquals(exact, numeric, 1e-6 * Math.abs(exact) + 1e-9);
        }
        BertParameters grad = encoder.gradientTensors();
        for (int row = 60; row < 64; row++) {
            assertEquals(0.0, grad.tensor(BertParameters.POSITION_EMBEDDINGS).getRow(row).norm2Number()
                    .doubleValue(), 0.0, "unused position row " + row);
        }
    }

    /**
     * A position beyond the table (here 40 tokens, 35 position rows) must be refused, not written: the table is a
     * view of the flat gradient vector, and ND4J's putRow would put rows 35.. into the token type table, the
     * embedding LayerNorm and layer 0's query weight that follow it.
     */
    @Test
    void refusesRowsOutsideTheTableInsteadOfWritingTheNextTensor() {
        BertConfig shortTable = new BertConfig(100, 32, 2, 4, 64, 35, 2, 1e-12);
        BertParameters gradient = BertParameters.zeros(shortTable, DataType.DOUBLE);
        BertTokenBatch batch = BertTokenBatch.of(new int[][]{new int[40]}, 0);
        INDArray dx = Nd4j.ones(DataType.DOUBLE, 40, 32);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenEmbeddingSum.backward(batch, dx, gradient));
        assertTrue(e.getMessage().contains(BertParameters.POSITION_EMBEDDINGS)
                && e.getMessage().contains("row 35") && e.getMessage().contains("[0, 35)"), e.getMessage());
        assertEquals(0.0, gradient.tensor(BertParameters.EMBEDDING_NORM_GAIN).norm2Number().doubleValue(), 0.0);
    }
}
