package org.sparktrain.jobs.select;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.sampling.SelectionModel;
import org.sparktrain.jobs.biencoder.BiencoderDataConfig;
import org.sparktrain.jobs.biencoder.BiencoderTraining;
import org.sparktrain.losses.retrieval.RelevanceMarginConfig;
import org.sparktrain.losses.retrieval.RelevanceMarginLoss;
import org.sparktrain.losses.retrieval.TripleEmbeddings;
import org.sparktrain.retrieval.bm25.Bm25Index;
import org.sparktrain.retrieval.train.Bm25TripleMiner;
import org.sparktrain.retrieval.encoder.TextEncoder;
import org.sparktrain.retrieval.train.TrainingTriple;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loss ℓ(q) of a training query for the text-query selection of {@code select} ({@link TextQuerySelection}): the
 * adaptive relevance-margin loss (Gienapp et al. 2025, {@link RelevanceMarginLoss} with
 * {@link RelevanceMarginConfig#adaptive()}: no in-batch negatives, L2 error) of the query's own BM25 triples, exactly
 * as {@code train-biencoder} mines them ({@link BiencoderTraining#mine}: its judged positives, {@code
 * negativesPerPositive} BM25 negatives each; mined for the query alone with seed {@code mineSeed}, so that ℓ(q) does not depend on which other
 * queries are scored), under a bi-encoder:
 * <pre>
 *   ℓ(q) = (1/T) Σ_t ( cos(q, d_t+) − cos(q, d_t−) − (cos(d_t+, d_t−) + 1)/2 )²      over the T triples of q
 * </pre>
 * i.e. the mean loss {@code train-biencoder} would give these triples with {@code loss.type: adaptive}. The
 * bi-encoder is a saved model ({@code model:}, any type) or, without one, the pretrained all-MiniLM-L6-v2 (zero-shot).
 * Only the k cluster representatives are scored, on the driver (the collection is there, as in train-biencoder).
 * Records are looked up by id (the queries table's {@code id}); the features (the query's MiniLM embedding) are not
 * used. The embedding is not this class's business: the records' features are the sentence embeddings already.
 */
final class TextQueryLoss implements SelectionModel {
    private static final long serialVersionUID = 1L;
    private final transient BiencoderTraining.Collection collection;
    private final transient BiencoderDataConfig data;
    private final transient TextEncoder.Factory encoder;
    private final transient Map<Long, String> queryIds;
    private final String description;

    /**
     * @param queryIds record id (the queries table's id) to query id, for every record that can be selected
     * @param encoder  the bi-encoder whose loss is taken (created once per {@link #losses} call, then closed)
     */
    TextQueryLoss(BiencoderTraining.Collection collection, BiencoderDataConfig data, TextEncoder.Factory encoder,
                  Map<Long, String> queryIds, String description) {
        this.collection = collection;
        this.data = data;
        this.encoder = encoder;
        this.queryIds = queryIds;
        this.description = description;
    }

    @Override
    public float[][] embed(float[][] features) {
        throw new UnsupportedOperationException(description + ": the text-query records are embedded already");
    }

    @Override
    public double[] losses(float[][] features, double[] labels) {
        throw new UnsupportedOperationException(description + ": the loss of a text query needs its id");
    }

    @Override
    public double[] losses(long[] ids, float[][] features, double[] labels) {
        List<String> queries = new ArrayList<>(ids.length);
        for (long id : ids) {
            String q = queryIds.get(id);
            if (q == null) {
                throw new IllegalStateException("record " + id + " is not a selectable training query");
            }
            queries.add(q);
        }
        Map<String, List<TrainingTriple>> byQuery = new LinkedHashMap<>();
        try (Bm25Index index = Bm25Index.build(collection.documents())) {
            Bm25TripleMiner miner = new Bm25TripleMiner(index, data.bm25Depth(), data.negativesPerPositive(),
                    data.minRelevance());
            for (String q : queries) {
                byQuery.put(q, miner.mine(List.of(q), collection.queries(), collection.qrels(), data.mineSeed()));
            }
        } catch (IOException e) {
            throw new IllegalStateException("BM25 index failed: " + e.getMessage(), e);
        }
        double[] out = new double[ids.length];
        try (TextEncoder e = encoder.create()) {
            for (int i = 0; i < out.length; i++) {
                List<TrainingTriple> triples = byQuery.get(queries.get(i));
                if (triples == null || triples.isEmpty()) {
                    throw new BadInputException("query " + queries.get(i) + ": no BM25 triple (no judged positive "
                            + "or no negative in the top " + data.bm25Depth() + ")");
                }
                out[i] = loss(e, triples);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot load " + description, ex);
        } catch (Exception ex) {
            if (ex instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(ex);
        }
        return out;
    }

    /** The mean adaptive relevance-margin loss of one query's triples under the encoder. */
    double loss(TextEncoder e, List<TrainingTriple> triples) {
        List<String> texts = new ArrayList<>();
        texts.add(collection.queries().get(triples.get(0).queryId()));
        for (TrainingTriple t : triples) {
            texts.add(collection.documents().get(t.positiveId()));
            texts.add(collection.documents().get(t.negativeId()));
        }
        float[][] v = e.encode(texts);
        int n = triples.size();
        int dim = v[0].length;
        INDArray q = Nd4j.create(DataType.DOUBLE, n, dim);
        INDArray p = Nd4j.create(DataType.DOUBLE, n, dim);
        INDArray neg = Nd4j.create(DataType.DOUBLE, n, dim);
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < dim; j++) {
                q.putScalar(t, j, v[0][j]);
                p.putScalar(t, j, v[1 + 2 * t][j]);
                neg.putScalar(t, j, v[2 + 2 * t][j]);
            }
        }
        return new RelevanceMarginLoss(RelevanceMarginConfig.adaptive()).compute(new TripleEmbeddings(q, p, neg))
                .value();
    }

    @Override
    public String description() {
        return description;
    }
}
