package org.sparktrain.data.sampling;

import java.io.Serializable;

/**
 * A trained model as sensitivity sampling uses it: an embedding of every record and the per-record loss ℓ(x) at the
 * k cluster representatives. data-prep depends on no model library (docs/architecture.md), so the implementation
 * for sparktrain's DL4J classifiers lives in spark-jobs ({@code org.sparktrain.jobs.select.ClassifierSelectionModel}).
 * Instances are serialised to the executors (for {@link #embed}); they must be cheap to serialise and load their
 * network lazily.
 */
public interface SelectionModel extends Serializable {
    /** Embeddings of a batch: {@code features} (B x d, the prepared dataset's features) to B x e. */
    float[][] embed(float[][] features);

    /** The model's loss ℓ(x) >= 0 of each record of a batch (features B x d, labels B as numbers). */
    double[] losses(float[][] features, double[] labels);

    /**
     * The loss of each record of a batch given also the records' ids (B); sensitivity sampling calls this one. The
     * default ignores the ids; a model whose loss needs more than the features (the training triples of a text
     * query, say) looks the records up by id.
     */
    default double[] losses(long[] ids, float[][] features, double[] labels) {
        return losses(features, labels);
    }

    /**
     * The classification margin p_(1)(x) − p_(2)(x) of each record of a batch (features B x d): the model's most
     * probable class probability minus the second most probable one, in [0, 1]; used by {@link MarginSampling}.
     *
     * @throws UnsupportedOperationException if the model gives no class probabilities
     */
    default double[] margins(float[][] features) {
        throw new UnsupportedOperationException(description() + " gives no class probabilities, so margin sampling "
                + "cannot use it");
    }

    /** What the model is (path and architecture), recorded in the selection's manifest. */
    String description();
}
