package org.sparktrain.data.sampling;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.PreparedDataset;

import java.util.List;

/**
 * Exact statistical leverage scores of a table's linear-regression design (the baseline the spec compares
 * sensitivity sampling with for linear regression; Drineas, Mahoney and Muthukrishnan, "Sampling algorithms for ℓ2
 * regression and applications", SODA 2006):
 * <pre>
 * A        n x d design, rows a_i = [1, x_i] ({@link LinearDesign}: intercept + non-constant feature columns)
 * A = QR   thin QR; R is d x d upper triangular
 * h_ii     = a_iᵀ (AᵀA)⁻¹ a_i = ‖R⁻ᵀ a_i‖² = ‖Q_i‖²      the diagonal of the hat matrix A (AᵀA)⁻¹ Aᵀ; Σ_i h_ii = d
 * p_i      = h_ii / d,  weight of a draw 1/(m·p_i)
 * </pre>
 * R comes from {@link TallSkinnyR} (Householder QR of every partition, then of the stacked R factors; only d x d
 * numbers per partition reach the driver; not MLlib's {@code RowMatrix.tallSkinnyQR}, see there why); each executor
 * then solves Rᵀu = a_i by forward substitution, so h_ii is computed without forming (AᵀA)⁻¹ (the condition number is
 * not squared). The scores' mass is h_ii, so the sampler's p = mass / Σ mass = h_ii / d.
 */
public final class LeverageScores {
    /** The {@link SensitivityScores#embedding()} label of leverage scores. */
    public static final String EMBEDDING = "design";

    private LeverageScores() {
    }

    /**
     * Leverage scores of {@code records} (id, features, label) as sampling masses, sorted by id and persisted.
     *
     * @param where the dataset and split, for error messages
     * @throws BadInputException if the design is rank-deficient (collinear feature columns) or has fewer rows than
     *                           columns
     */
    public static SensitivityScores compute(Dataset<Row> records, int featureSize, String where) {
        LinearDesign design = LinearDesign.of(records, featureSize, where);
        long n = records.count();
        if (n < design.width()) {
            throw new BadInputException(where + ": " + n + " records cannot determine the " + design.width()
                    + " leverage-score design columns (" + design + ")");
        }
        double[][] r = upperTriangular(records, design);
        checkFullRank(r, design, where);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(records.sparkSession().sparkContext());
        Broadcast<double[][]> rB = jsc.broadcast(r);
        int parts = Math.max(1, records.rdd().getNumPartitions());
        JavaRDD<ScoredRecord> scored = records.select(PreparedDataset.ID, PreparedDataset.FEATURES).javaRDD()
                .map(row -> {
                    double[] a = design.row(RecordEmbedding.features(row, 1)); // the design travels in the closure
                    return new ScoredRecord(row.getLong(0), -1, 0, leverage(rB.value(), a));
                }).sortBy(ScoredRecord::id, true, parts).persist(StorageLevel.MEMORY_AND_DISK());
        return new SensitivityScores(scored, List.of(), 0, EMBEDDING + ": " + design, 0);
    }

    /** R of the thin QR of the design (d x d, upper triangular), by {@link TallSkinnyR}. */
    static double[][] upperTriangular(Dataset<Row> records, LinearDesign design) {
        JavaRDD<double[]> rows = records.select(PreparedDataset.FEATURES).javaRDD()
                .map(row -> design.row(RecordEmbedding.features(row, 0)));
        return TallSkinnyR.of(rows, design.width());
    }

    private static void checkFullRank(double[][] r, LinearDesign design, String where) {
        double largest = 0;
        for (int j = 0; j < r.length; j++) {
            largest = Math.max(largest, Math.abs(r[j][j]));
        }
        for (int j = 0; j < r.length; j++) {
            if (!(Math.abs(r[j][j]) > WeightedLeastSquares.SINGULARITY_THRESHOLD * largest)) {
                String column = j == 0 ? "the intercept" : "feature column " + design.columns()[j - 1];
                throw new BadInputException(where + ": the regression design is rank-deficient: " + column
                        + " is a linear combination of the columns before it (" + design + "), so leverage scores "
                        + "are not defined");
            }
        }
    }

    /** h = ‖u‖² with Rᵀu = a (forward substitution; R upper triangular, so Rᵀ is lower triangular). */
    static double leverage(double[][] r, double[] a) {
        int d = a.length;
        double[] u = new double[d];
        double h = 0;
        for (int i = 0; i < d; i++) {
            double s = a[i];
            for (int j = 0; j < i; j++) {
                s -= r[j][i] * u[j];
            }
            u[i] = s / r[i][i];
            h += u[i] * u[i];
        }
        return h;
    }
}
