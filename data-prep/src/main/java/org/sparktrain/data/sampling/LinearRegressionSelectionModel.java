package org.sparktrain.data.sampling;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.PreparedDataset;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A linear regression as sensitivity sampling's model, for the spec's linear-regression use (Axiotis et al., ICML
 * 2024, arXiv:2402.17327, "Linear regression" in shared/specs/sensitivity-sampling.md):
 * <pre>
 * loss      ℓ(x) = (a(x)ᵀβ_pilot − y(x))²      squared residual; a(x) = [1, x_kept] ({@link LinearDesign})
 * embedding e(x) = (x_c − mean_c) / std_c       the kept (non-constant) feature columns, standardised
 * </pre>
 * The spec says to evaluate "the model loss" at the k cluster representatives, but a regression coreset has no
 * model until it has been fitted. Reading chosen here (after the spec's active-learning protocol, which fits a pilot
 * model on k′ = 0.2·budget uniformly drawn labelled points first): β_pilot is the ordinary least-squares fit on a
 * uniform pilot sample of the records ({@link #pilot}); the representatives' squared residuals under it are ℓ̂, and
 * the distance term λ·‖e_x − e_rep‖² carries the geometry that leverage scores capture exactly. Clustering on the
 * features alone relies on the spec's Lipschitz-target assumption |y_i − y_j| <= ‖a_i − a_j‖.
 *
 * @param design the regression design (columns kept, standardisation)
 * @param beta   pilot coefficients, intercept first (length design.width())
 * @param pilotRows how many records the pilot was fitted on
 */
public record LinearRegressionSelectionModel(LinearDesign design, double[] beta, int pilotRows, long seed)
        implements SelectionModel {

    /**
     * Fits β_pilot by ordinary least squares ({@link WeightedLeastSquares}, unit weights) on {@code size} records
     * drawn uniformly without replacement (Spark's seeded {@code takeSample}; only they reach the driver).
     *
     * @throws BadInputException if the pilot sample cannot determine the coefficients
     */
    public static LinearRegressionSelectionModel pilot(Dataset<Row> records, LinearDesign design, int size,
                                                       long seed, String where) {
        List<Row> sample = records.select(PreparedDataset.FEATURES, PreparedDataset.LABEL).javaRDD()
                .takeSample(false, size, seed);
        double[][] a = new double[sample.size()][];
        double[] y = new double[sample.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = design.row(RecordEmbedding.features(sample.get(i), 0));
            y[i] = ((Number) sample.get(i).get(1)).doubleValue();
        }
        try {
            return new LinearRegressionSelectionModel(design, WeightedLeastSquares.fit(a, y, null), a.length, seed);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(where + ": the pilot regression on " + a.length + " uniformly drawn records "
                    + "failed (" + e.getMessage() + "); use a larger pilot", e);
        }
    }

    @Override
    public float[][] embed(float[][] features) {
        float[][] e = new float[features.length][];
        for (int i = 0; i < e.length; i++) {
            e[i] = design.standardised(features[i]);
        }
        return e;
    }

    @Override
    public double[] losses(float[][] features, double[] labels) {
        double[] l = new double[features.length];
        for (int i = 0; i < l.length; i++) {
            double r = WeightedLeastSquares.dot(design.row(features[i]), beta) - labels[i];
            l[i] = r * r;
        }
        return l;
    }

    @Override
    public String description() {
        return String.format(Locale.ROOT, "linear regression pilot: least squares on %d uniform records (seed %d), "
                + "β = %s, %s", pilotRows, seed, Arrays.toString(beta), design);
    }
}
