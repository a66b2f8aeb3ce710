package org.sparktrain.losses;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Shape checks and small row utilities shared by the losses (ND4J arrays, always handled in double). */
public final class LossInputs {
    private LossInputs() {
    }

    /** {@code x} as a double matrix; rejects null, non-matrices, empty and non-finite input, naming {@code name}. */
    public static INDArray doubleMatrix(String name, INDArray x) {
        if (x == null) {
            throw new IllegalArgumentException(name + " is missing");
        }
        if (x.rank() != 2) {
            throw new IllegalArgumentException(name + " must be a matrix (rows × dim), got shape "
                    + java.util.Arrays.toString(x.shape()));
        }
        if (x.rows() == 0 || x.columns() == 0) {
            throw new IllegalArgumentException(name + " is empty, shape " + java.util.Arrays.toString(x.shape()));
        }
        INDArray xd = x.castTo(DataType.DOUBLE);
        double sum = xd.sumNumber().doubleValue();
        if (!Double.isFinite(sum) || !Double.isFinite(xd.norm2Number().doubleValue())) {
            throw new IllegalArgumentException(name + " contains NaN or infinite values");
        }
        return xd;
    }

    /** Fails unless {@code x} has {@code rows} rows and {@code cols} columns. */
    public static void requireShape(String name, INDArray x, long rows, long cols) {
        if (x.rows() != rows || x.columns() != cols) {
            throw new IllegalArgumentException(name + " must have shape [" + rows + ", " + cols + "], got "
                    + java.util.Arrays.toString(x.shape()));
        }
    }

    /** Fails unless {@code values} has length {@code n} and only finite entries. */
    public static void requireVector(String name, double[] values, int n) {
        if (values == null) {
            throw new IllegalArgumentException(name + " is missing");
        }
        if (values.length != n) {
            throw new IllegalArgumentException(name + " must have length " + n + ", got " + values.length);
        }
        for (int k = 0; k < n; k++) {
            if (!Double.isFinite(values[k])) {
                throw new IllegalArgumentException(name + "[" + k + "] is " + values[k]);
            }
        }
    }

    /** A copy of rows [from, from+count) of {@code x}. */
    public static INDArray rows(INDArray x, long from, long count) {
        return x.get(NDArrayIndex.interval(from, from + count), NDArrayIndex.all()).dup();
    }

    /** A copy of columns [from, from+count) of {@code x}. */
    public static INDArray columns(INDArray x, long from, long count) {
        return x.get(NDArrayIndex.all(), NDArrayIndex.interval(from, from + count)).dup();
    }

    /** Adds {@code block} (count×d) to rows [from, from+count) of {@code target} in place. */
    public static void addToRows(INDArray target, long from, INDArray block) {
        INDArrayIndex[] at = {NDArrayIndex.interval(from, from + block.rows()), NDArrayIndex.all()};
        target.put(at, target.get(at).add(block));
    }

    /** Row-wise inner products ⟨a_k, b_k⟩ as a column vector (n×1). */
    public static INDArray rowDots(INDArray a, INDArray b) {
        return a.mul(b).sum(1).reshape(a.rows(), 1);
    }
}
