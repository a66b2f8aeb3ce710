package org.sparktrain.jobs.retrieval;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.retrieval.encoder.TextEncoder;
import org.sparktrain.retrieval.eval.Run;
import org.sparktrain.retrieval.eval.ScoredDoc;
import org.sparktrain.retrieval.search.ExactTopK;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Corpus encoding and exact top-k search on Spark, partition by partition.
 *
 * <ul>
 *   <li>{@link #encode}: each partition creates one encoder from the (serialisable) factory on its executor and
 *       encodes its documents in batches; only (id, embedding) pairs leave the partition.</li>
 *   <li>{@link #search}: the query embeddings (Q, d) are broadcast; each partition sorts its documents by id,
 *       stacks them into an ND4J matrix and runs {@link ExactTopK} (blocked GEMM) for its local top k; the partial
 *       lists are merged pairwise by Spark's {@code treeReduce}, keeping the global top k per query.</li>
 * </ul>
 * Order everywhere: score descending, ties by document id ascending; so the result equals {@link ExactTopK} on the
 * whole corpus sorted by id, however the corpus is partitioned (tested).
 */
public final class DistributedRetrieval {
    private DistributedRetrieval() {
    }

    /** Encodes (id, text) pairs partition-wise into (id, embedding) pairs, {@code batchSize} texts per call. */
    public static JavaRDD<Tuple2<String, float[]>> encode(JavaRDD<Tuple2<String, String>> docs,
                                                          TextEncoder.Factory factory, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        return docs.mapPartitions((Iterator<Tuple2<String, String>> it) -> {
            List<Tuple2<String, float[]>> out = new ArrayList<>();
            if (!it.hasNext()) {
                return out.iterator();
            }
            try (TextEncoder encoder = factory.create()) {
                List<String> ids = new ArrayList<>(batchSize);
                List<String> texts = new ArrayList<>(batchSize);
                while (it.hasNext()) {
                    Tuple2<String, String> d = it.next();
                    ids.add(d._1());
                    texts.add(d._2());
                    if (texts.size() == batchSize || !it.hasNext()) {
                        float[][] e = encoder.encode(texts);
                        for (int i = 0; i < e.length; i++) {
                            out.add(new Tuple2<>(ids.get(i), e[i]));
                        }
                        ids.clear();
                        texts.clear();
                    }
                }
            }
            return out.iterator();
        });
    }

    /**
     * The global top {@code k} documents of each query by inner product.
     *
     * @param corpus    (document id, embedding) pairs, any partitioning
     * @param queryIds  ids of the queries, in the order of {@code queries}
     * @param queries   query embeddings (Q, d)
     * @param k         results per query
     * @param blockSize corpus rows per matrix product inside a partition
     */
    public static Run search(JavaRDD<Tuple2<String, float[]>> corpus, List<String> queryIds, float[][] queries,
                             int k, int blockSize) {
        if (queryIds.size() != queries.length) {
            throw new IllegalArgumentException(queryIds.size() + " query ids for " + queries.length + " queries");
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(corpus.context());
        Broadcast<float[][]> q = jsc.broadcast(queries);
        Partial merged = corpus.mapPartitions((Iterator<Tuple2<String, float[]>> it) -> {
            List<Tuple2<String, float[]>> docs = new ArrayList<>();
            it.forEachRemaining(docs::add);
            return List.of(localTopK(docs, q.value(), k, blockSize)).iterator();
        }).treeReduce((a, b) -> merge(a, b, k));
        q.destroy();
        Map<String, List<ScoredDoc>> run = new LinkedHashMap<>();
        for (int i = 0; i < queries.length; i++) {
            List<ScoredDoc> hits = new ArrayList<>();
            for (int j = 0; j < merged.ids[i].length; j++) {
                hits.add(new ScoredDoc(merged.ids[i][j], merged.scores[i][j]));
            }
            run.put(queryIds.get(i), hits);
        }
        return Run.of(run);
    }

    static Partial localTopK(List<Tuple2<String, float[]>> docs, float[][] queries, int k, int blockSize) {
        int nQ = queries.length;
        if (docs.isEmpty()) {
            return new Partial(new String[nQ][0], new double[nQ][0]);
        }
        docs.sort(Comparator.comparing(Tuple2::_1));
        float[][] matrix = new float[docs.size()][];
        for (int i = 0; i < matrix.length; i++) {
            matrix[i] = docs.get(i)._2();
        }
        ExactTopK.Result r = ExactTopK.search(Nd4j.createFromArray(queries), Nd4j.createFromArray(matrix), k,
                blockSize);
        String[][] ids = new String[nQ][];
        for (int i = 0; i < nQ; i++) {
            ids[i] = Arrays.stream(r.rows()[i]).mapToObj(row -> docs.get((int) row)._1()).toArray(String[]::new);
        }
        return new Partial(ids, r.scores());
    }

    /** Merges two partial top-k lists per query (score descending, id ascending), keeping k. */
    static Partial merge(Partial a, Partial b, int k) {
        int nQ = a.ids.length;
        String[][] ids = new String[nQ][];
        double[][] scores = new double[nQ][];
        for (int q = 0; q < nQ; q++) {
            int n = Math.min(k, a.ids[q].length + b.ids[q].length);
            ids[q] = new String[n];
            scores[q] = new double[n];
            int i = 0;
            int j = 0;
            for (int o = 0; o < n; o++) {
                boolean takeA = j >= b.ids[q].length || (i < a.ids[q].length
                        && (a.scores[q][i] > b.scores[q][j]
                        || (a.scores[q][i] == b.scores[q][j] && a.ids[q][i].compareTo(b.ids[q][j]) < 0)));
                if (takeA) {
                    ids[q][o] = a.ids[q][i];
                    scores[q][o] = a.scores[q][i++];
                } else {
                    ids[q][o] = b.ids[q][j];
                    scores[q][o] = b.scores[q][j++];
                }
            }
        }
        return new Partial(ids, scores);
    }

    /**
     * Per-query best documents of part of the corpus, best first. A plain class with a no-argument constructor so
     * Spark's Kryo (and Java serialisation) can ship it as a task result.
     */
    static final class Partial implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        String[][] ids;
        double[][] scores;

        Partial() {
        }

        Partial(String[][] ids, double[][] scores) {
            this.ids = ids;
            this.scores = scores;
        }
    }
}
