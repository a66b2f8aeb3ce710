package org.sparktrain.jobs;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.sampling.SensitivitySampling;

import java.util.Arrays;

/**
 * How a training job's data weights its records (train-classifier, train-moe, train-grownet; docs/selection.md). A selection written by {@code select} has a
 * {@code weight} column w = multiplicity/(m·p), for which Σ_rows w·ℓ estimates the full-data loss sum Σ_x ℓ(x)
 * without bias. Training takes mini-batches of B rows uniformly from the R rows of the selection, so the batch loss
 * (1/B)·Σ_batch (R/n)·w·ℓ has expectation (1/n)·Σ_x ℓ(x), the full-data mean loss; hence the scale R/n, with n from
 * the manifest property {@value SensitivitySampling#POPULATION_SIZE}. A weight column without that property is used
 * as given (scale 1). No weight column, or {@code data.weights: false}: unweighted, exactly as before.
 *
 * @param column      the weight column, or null for unweighted training
 * @param scale       the constant factor on the weights
 * @param explanation one line for the console and the model card
 */
public record RecordWeights(String column, double scale, String explanation) {
    /**
     * @param train        the split trained on
     * @param manifest     the manifest of the dataset it belongs to (a selection's has the population size)
     * @param dataset      that dataset's path (for errors)
     * @param split        the split's name
     * @param useWeights   false ({@code data.weights: false}): ignore a weight column
     */
    public static RecordWeights of(Dataset<Row> train, DatasetManifest manifest, String dataset, String split,
                                   boolean useWeights) {
        if (!Arrays.asList(train.columns()).contains(SensitivitySampling.WEIGHT)) {
            return new RecordWeights(null, 1.0, "unweighted (no weight column)");
        }
        if (!useWeights) {
            return new RecordWeights(null, 1.0, "unweighted (data.weights is false; the weight column is ignored)");
        }
        String population = manifest.properties().get(SensitivitySampling.POPULATION_SIZE);
        if (population == null) {
            return new RecordWeights(SensitivitySampling.WEIGHT, 1.0, "weights as given (no "
                    + SensitivitySampling.POPULATION_SIZE + " in the manifest)");
        }
        long n;
        try {
            n = Long.parseLong(population);
        } catch (NumberFormatException e) {
            throw new BadInputException(dataset + ": manifest property "
                    + SensitivitySampling.POPULATION_SIZE + " is not a count: '" + population + "'");
        }
        long rows = manifest.split(split).count();
        if (n <= 0 || rows <= 0) {
            throw new BadInputException(dataset + ": selection of " + rows + " rows from " + n
                    + " records cannot be weighted");
        }
        return new RecordWeights(SensitivitySampling.WEIGHT, (double) rows / n, "selection weights x R/n = " + rows
                + "/" + n + " (unbiased estimate of the full-data mean loss)");
    }
}
