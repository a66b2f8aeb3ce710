package org.sparktrain.retrieval.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ranking metrics of a {@link Run} against {@link Qrels}, per query and averaged, with trec_eval's conventions
 * unless stated: documents are ranked in {@link ScoredDoc#TREC_ORDER}; a document is <em>relevant</em> when its
 * relevance is at least {@code minRelevance} (trec_eval's {@code -l}, default 1); unjudged documents are not
 * relevant. Ranks r start at 1; R is the number of relevant documents of the query in the qrels.
 *
 * <ul>
 *   <li>{@code MRR@k}: 1/r of the first relevant document with r &le; k, else 0 (trec_eval {@code recip_rank}
 *       cut at k).</li>
 *   <li>{@code nDCG@k}: DCG@k / IDCG@k with DCG@k = &sum;<sub>r&le;k</sub> (2<sup>rel<sub>r</sub></sup> &minus; 1) /
 *       log<sub>2</sub>(r + 1): the <b>exponential gain 2<sup>rel</sup> &minus; 1</b> of Burges et al. (2005), on
 *       the graded relevance, not trec_eval's {@code ndcg_cut} (which uses gain = rel). IDCG@k is the DCG@k of all
 *       judged documents of the query sorted by relevance. Graded: every relevance &gt; 0 contributes, whatever
 *       {@code minRelevance} is.</li>
 *   <li>{@code Recall@k}: (relevant documents with r &le; k) / R (trec_eval {@code recall_k}).</li>
 *   <li>{@code MAP@k}: &sum;<sub>relevant r&le;k</sub> P@r / R, P@r = relevant documents in ranks 1..r divided by r
 *       (trec_eval {@code map_cut_k}: the divisor is R, not min(R, k)).</li>
 * </ul>
 *
 * <p>Averages run over the queries of the qrels that have at least one relevant document (R &gt; 0); a query the
 * run does not contain scores 0 on every metric (like trec_eval {@code -c}). Queries with R = 0 are skipped,
 * because their recall and nDCG are undefined.
 */
public final class RetrievalMetrics {
    private final Qrels qrels;
    private final int minRelevance;

    /**
     * @param qrels        the judgments
     * @param minRelevance the least relevance that counts as relevant for the binary metrics (MRR, Recall, MAP)
     */
    public RetrievalMetrics(Qrels qrels, int minRelevance) {
        if (minRelevance < 1) {
            throw new IllegalArgumentException("minRelevance must be >= 1, got " + minRelevance);
        }
        this.qrels = qrels;
        this.minRelevance = minRelevance;
    }

    /** MRR@k of one query: 1/r of the first relevant document with r &le; k, else 0 (also for an empty ranking). */
    public double reciprocalRank(String queryId, List<ScoredDoc> ranking, int k) {
        int n = Math.min(k, ranking.size());
        for (int r = 1; r <= n; r++) {
            if (isRelevant(queryId, ranking.get(r - 1).docId())) {
                return 1.0 / r;
            }
        }
        return 0.0;
    }

    /** nDCG@k with gain 2^rel - 1 and discount 1/log2(r+1); see the class comment. */
    public double ndcg(String queryId, List<ScoredDoc> ranking, int k) {
        int n = Math.min(k, ranking.size());
        double dcg = 0.0;
        for (int r = 1; r <= n; r++) {
            dcg += gain(qrels.relevance(queryId, ranking.get(r - 1).docId())) / log2(r + 1);
        }
        List<Integer> ideal = new ArrayList<>(qrels.judgments(queryId).values());
        ideal.sort((a, b) -> Integer.compare(b, a));
        double idcg = 0.0;
        for (int r = 1; r <= Math.min(k, ideal.size()); r++) {
            idcg += gain(ideal.get(r - 1)) / log2(r + 1);
        }
        return idcg == 0.0 ? 0.0 : dcg / idcg;
    }

    /** Recall@k. */
    public double recall(String queryId, List<ScoredDoc> ranking, int k) {
        int relevant = qrels.relevantCount(queryId, minRelevance);
        if (relevant == 0) {
            return 0.0;
        }
        int found = 0;
        for (int r = 1; r <= Math.min(k, ranking.size()); r++) {
            if (isRelevant(queryId, ranking.get(r - 1).docId())) {
                found++;
            }
        }
        return (double) found / relevant;
    }

    /** Average precision cut at k, divided by R (trec_eval map_cut). */
    public double averagePrecision(String queryId, List<ScoredDoc> ranking, int k) {
        int relevant = qrels.relevantCount(queryId, minRelevance);
        if (relevant == 0) {
            return 0.0;
        }
        int found = 0;
        double sum = 0.0;
        for (int r = 1; r <= Math.min(k, ranking.size()); r++) {
            if (isRelevant(queryId, ranking.get(r - 1).docId())) {
                found++;
                sum += (double) found / r;
            }
        }
        return sum / relevant;
    }

    /** The four standard numbers of a run: MRR@10, nDCG@10, Recall@100, MAP@100, averaged as in the class comment. */
    public Summary evaluate(Run run) {
        Map<String, double[]> perQuery = new LinkedHashMap<>();
        for (String q : qrels.queryIds()) {
            if (qrels.relevantCount(q, minRelevance) == 0) {
                continue;
            }
            List<ScoredDoc> ranking = run.ranking(q);
            perQuery.put(q, new double[] {reciprocalRank(q, ranking, 10), ndcg(q, ranking, 10),
                    recall(q, ranking, 100), averagePrecision(q, ranking, 100)});
        }
        double[] mean = new double[4];
        for (double[] v : perQuery.values()) {
            for (int i = 0; i < 4; i++) {
                mean[i] += v[i];
            }
        }
        int n = perQuery.size();
        for (int i = 0; i < 4 && n > 0; i++) {
            mean[i] /= n;
        }
        return new Summary(n, mean[0], mean[1], mean[2], mean[3], perQuery);
    }

    /**
     * Averaged metrics.
     *
     * @param queries  number of evaluated queries (R &gt; 0)
     * @param mrr10    mean MRR@10
     * @param ndcg10   mean nDCG@10 (gain 2^rel - 1)
     * @param recall100 mean Recall@100
     * @param map100   mean MAP@100
     * @param perQuery query id to {MRR@10, nDCG@10, Recall@100, MAP@100}
     */
    public record Summary(int queries, double mrr10, double ndcg10, double recall100, double map100,
                          Map<String, double[]> perQuery) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT,
                    "queries=%d MRR@10=%.4f nDCG@10=%.4f Recall@100=%.4f MAP@100=%.4f", queries, mrr10, ndcg10,
                    recall100, map100);
        }
    }

    private boolean isRelevant(String queryId, String docId) {
        return qrels.relevance(queryId, docId) >= minRelevance;
    }

    private static double gain(int relevance) {
        return Math.pow(2.0, relevance) - 1.0;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2.0);
    }
}
