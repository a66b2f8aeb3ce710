package org.sparktrain.zoo.bert;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.Map;

/**
 * BERT's input embedding sum x_n = Word[id_n] + Pos[t_n] + Type[type_n] (B·T, H) and its backward pass, written by
 * hand on ND4J instead of with SameDiff's {@code gather}.
 *
 * <p><b>Why not SameDiff</b>: in nd4j 1.0.0-M2.1 the gradient of {@code gather} is wrong. On a (4, 3) table, ids
 * (1, 3, 1, 1, 0) and upstream rows c0..c4 it returns rows (c0, c1, 0, c3) instead of (c4, c0 + c2 + c3, 0, c1) (it
 * neither places the rows by id nor sums repeated ids), it runs a SameDiff loop per index (seconds for a few
 * thousand ids), and a graph with two gathers cannot even build its gradient ("Unable to replace samediff
 * namespace"). So the lookup is a plain ND4J row gather ({@code Nd4j.pullRows}, libnd4j) and the backward a
 * scatter-add written here: ∂L/∂Word[v] = Σ_{n: id_n = v} ∂L/∂x_n, likewise for Pos (over t_n) and Type (over
 * type_n), accumulated in double. SameDiff gets x as a placeholder and returns ∂L/∂x.
 */
final class TokenEmbeddingSum {
    private TokenEmbeddingSum() {
    }

    /** x (B·T, H), in the parameters' data type. */
    static INDArray forward(BertParameters p, BertTokenBatch batch) {
        return Nd4j.pullRows(p.tensor(BertParameters.WORD_EMBEDDINGS), 1, batch.inputIds())
                .addi(Nd4j.pullRows(p.tensor(BertParameters.POSITION_EMBEDDINGS), 1, batch.positionIds()))
                .addi(Nd4j.pullRows(p.tensor(BertParameters.TOKEN_TYPE_EMBEDDINGS), 1, batch.tokenTypeIds()));
    }

    /**
     * Writes the gradients of the three tables into {@code gradient} (all other rows 0) from ∂L/∂x (B·T, H).
     *
     * @throws IllegalArgumentException if ∂L/∂x does not have one row per token of the batch, or a token's word,
     *                                  position or type id is not a row of its table
     */
    static void backward(BertTokenBatch batch, INDArray dx, BertParameters gradient) {
        int tokens = batch.batchSize() * batch.length();
        if (dx.rank() != 2 || dx.rows() != tokens || dx.columns() != gradient.config().hidden()) {
            throw new IllegalArgumentException("dL/dx must be (tokens " + tokens + ", hidden "
                    + gradient.config().hidden() + "), got shape "
                    + java.util.Arrays.toString(dx.shape()));
        }
        double[][] rows = dx.toDoubleMatrix();
        scatterAdd(BertParameters.WORD_EMBEDDINGS, batch.inputIds(), rows, gradient);
        scatterAdd(BertParameters.POSITION_EMBEDDINGS, batch.positionIds(), rows, gradient);
        scatterAdd(BertParameters.TOKEN_TYPE_EMBEDDINGS, batch.tokenTypeIds(), rows, gradient);
    }

    /**
     * table[v] = Σ_{n: index_n = v} rows[n], all other rows 0. Every index is checked against the table's rows before
     * anything is written: the tables are views into one flat vector, and ND4J's {@code putRow} on such a view does
     * not check the row (a row past the end silently lands in the next tensor's memory, or past the vector); on a
     * plain array it fails with a NullPointerException ({@code INDArray.data()} of the empty out-of-range row).
     */
    private static void scatterAdd(String name, int[] index, double[][] rows, BertParameters gradient) {
        INDArray table = gradient.tensor(name);
        long tableRows = table.rows();
        int width = (int) table.columns();
        for (int n = 0; n < index.length; n++) {
            if (index[n] < 0 || index[n] >= tableRows) {
                throw new IllegalArgumentException("token " + n + " refers to row " + index[n] + " of " + name
                        + ", which has rows [0, " + tableRows + ")");
            }
        }
        Map<Integer, double[]> sums = new HashMap<>();
        for (int n = 0; n < index.length; n++) {
            double[] sum = sums.computeIfAbsent(index[n], k -> new double[width]);
            for (int k = 0; k < width; k++) {
                sum[k] += rows[n][k];
            }
        }
        table.assign(0);
        sums.forEach((row, sum) -> table.getRow(row).assign(Nd4j.createFromArray(sum).castTo(table.dataType())));
    }
}
