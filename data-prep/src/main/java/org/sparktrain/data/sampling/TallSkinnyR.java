package org.sparktrain.data.sampling;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.spark.api.java.JavaRDD;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * The R factor of the thin QR decomposition of a tall, skinny distributed matrix A (n x d, n ≫ d), by the TSQR
 * scheme (Demmel, Grigori, Hoemmen and Langou, "Communication-optimal parallel and sequential QR and LU
 * factorizations", SIAM J. Sci. Comput. 2012):
 * <pre>
 * per partition   R_p = R( [R_p; next block of ≤ 4096 rows] )     streamed: a task holds ≤ 4096 + d rows
 * driver          R   = R( [R_1; …; R_P] )                        only the P factors (≤ d x d each) travel
 * </pre>
 * R is unique up to the signs of its rows, so AᵀA = RᵀR whatever the order of partitions and blocks. Each QR is
 * Apache Commons Math's Householder {@link QRDecomposition} (pure Java, no shared state).
 *
 * <p>Why not Spark MLlib's {@code RowMatrix.tallSkinnyQR}, which computes the same R: its per-partition QR goes
 * through breeze to netlib's pure-Java F2J LAPACK when no native LAPACK is installed (the common case on Spark
 * executors), and F2J's LAPACK keeps the machine constants of {@code dlamch} in static fields initialised on the
 * first call without synchronisation. Two tasks of one executor making that first call at once can read unset
 * constants, and {@code dlarfg}'s rescaling loop then never ends (netlib-java issue #5, "Race condition in
 * Dgesdd.dgesdd"; seen here once as a CI test stuck for 20 minutes in {@code Dlarfg.dlarfg}).
 */
final class TallSkinnyR {
    /** Rows added to a partition's running R per Householder QR. */
    static final int BLOCK = 4096;

    private TallSkinnyR() {
    }

    /**
     * R of the rows of {@code rows}, each of length {@code d}: min(n, d) x d, upper triangular (upper trapezoidal
     * when n &lt; d).
     *
     * @throws IllegalArgumentException if the matrix has no rows or a row's length is not {@code d}
     */
    static double[][] of(JavaRDD<double[]> rows, int d) {
        List<double[][]> parts = rows.mapPartitions((Iterator<double[]> it) -> {
            double[][] r = null;
            List<double[]> block = new ArrayList<>(BLOCK);
            while (it.hasNext()) {
                block.add(it.next());
                if (block.size() == BLOCK) {
                    r = r(stack(r, block.toArray(new double[0][])), d);
                    block.clear();
                }
            }
            if (!block.isEmpty()) {
                r = r(stack(r, block.toArray(new double[0][])), d);
            }
            return r == null ? Collections.emptyIterator() : Collections.singletonList(r).iterator();
        }).collect();
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("the matrix has no rows");
        }
        return parts.size() == 1 ? parts.get(0) : r(parts.toArray(new double[0][][]), d);
    }

    /** R of a local matrix's Householder QR, its first min(m, d) rows. */
    static double[][] r(double[][] a, int d) {
        for (double[] row : a) {
            if (row.length != d) {
                throw new IllegalArgumentException("a row has " + row.length + " columns, expected " + d);
            }
        }
        RealMatrix full = new QRDecomposition(new Array2DRowRealMatrix(a, false)).getR();
        return Arrays.copyOf(full.getData(), Math.min(a.length, d));
    }

    private static double[][] r(double[][][] factors, int d) {
        List<double[]> rows = new ArrayList<>();
        for (double[][] f : factors) {
            rows.addAll(Arrays.asList(f));
        }
        return r(rows.toArray(new double[0][]), d);
    }

    private static double[][] stack(double[][] top, double[][] bottom) {
        if (top == null) {
            return bottom;
        }
        double[][] out = Arrays.copyOf(top, top.length + bottom.length);
        System.arraycopy(bottom, 0, out, top.length, bottom.length);
        return out;
    }
}
