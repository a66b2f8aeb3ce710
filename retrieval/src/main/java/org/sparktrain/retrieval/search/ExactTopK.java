package org.sparktrain.retrieval.search;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import org.sparktrain.retrieval.eval.Run;
import org.sparktrain.retrieval.eval.ScoredDoc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Exact top-k inner-product search by blocked matrix products on ND4J: the corpus embeddings C (N, d) are taken
 * {@code blockSize} rows at a time, the score block S = Q C_block^T (nQ, b) is one ND4J GEMM, and each query keeps a
 * bounded heap of its k best (score, corpus row) pairs. Memory is O(nQ * blockSize) for scores whatever N is. With
 * L2-normalised embeddings the inner product is the cosine similarity.
 *
 * <p>Order: score descending, ties broken by the lower corpus row, so the result does not depend on the block size.
 * Scores are computed in the arrays' data type (float for embeddings) and returned as double.
 */
public final class ExactTopK {
    private ExactTopK() {
    }

    /**
     * The top-k corpus rows of each query.
     *
     * @param queries   (nQ, d)
     * @param corpus    (N, d), same d and data type
     * @param k         results per query (at most N are returned)
     * @param blockSize corpus rows per matrix product
     */
    public static Result search(INDArray queries, INDArray corpus, int k, int blockSize) {
        if (queries.rank() != 2 || corpus.rank() != 2 || queries.columns() != corpus.columns()) {
            throw new IllegalArgumentException("queries (nQ, d) and corpus (N, d) must be matrices of the same d, got "
                    + java.util.Arrays.toString(queries.shape()) + " and " + java.util.Arrays.toString(corpus.shape()));
        }
        if (queries.dataType() != corpus.dataType()) {
            throw new IllegalArgumentException("queries are " + queries.dataType() + " but corpus is "
                    + corpus.dataType());
        }
        if (k < 1 || blockSize < 1) {
            throw new IllegalArgumentException("k and blockSize must be >= 1, got " + k + ", " + blockSize);
        }
        int nQ = (int) queries.rows();
        long n = corpus.rows();
        int keep = (int) Math.min(k, n);
        // the heap's head is the worst kept hit: lowest score, then highest row
        @SuppressWarnings("unchecked")
        PriorityQueue<Hit>[] heaps = new PriorityQueue[nQ];
        for (int q = 0; q < nQ; q++) {
            heaps[q] = new PriorityQueue<>(keep + 1, (a, b) -> a.score != b.score ? Double.compare(a.score, b.score)
                    : Long.compare(b.row, a.row));
        }
        for (long start = 0; start < n; start += blockSize) {
            long end = Math.min(n, start + blockSize);
            INDArray block = corpus.get(NDArrayIndex.interval(start, end), NDArrayIndex.all());
            INDArray scores = queries.mmul(block.transpose()); // ND4J GEMM: (nQ, b)
            double[][] s = scores.toDoubleMatrix();
            for (int q = 0; q < nQ; q++) {
                PriorityQueue<Hit> heap = heaps[q];
                for (int j = 0; j < s[q].length; j++) {
                    double v = s[q][j];
                    if (heap.size() < keep) {
                        heap.add(new Hit(start + j, v));
                    } else if (v > heap.peek().score) { // equal score: the kept row is lower, keep it
                        heap.poll();
                        heap.add(new Hit(start + j, v));
                    }
                }
            }
        }
        long[][] rows = new long[nQ][];
        double[][] best = new double[nQ][];
        for (int q = 0; q < nQ; q++) {
            int m = heaps[q].size();
            rows[q] = new long[m];
            best[q] = new double[m];
            for (int i = m - 1; i >= 0; i--) {
                Hit h = heaps[q].poll();
                rows[q][i] = h.row;
                best[q][i] = h.score;
            }
        }
        return new Result(rows, best);
    }

    /**
     * Top-k hits per query.
     *
     * @param rows   [query][rank] corpus row, best first
     * @param scores [query][rank] inner product
     */
    public record Result(long[][] rows, double[][] scores) {
        /** This result as a {@link Run}: query i gets id {@code queryIds.get(i)}, corpus row r id {@code docIds.get(r)}. */
        public Run toRun(List<String> queryIds, List<String> docIds) {
            if (queryIds.size() != rows.length) {
                throw new IllegalArgumentException(queryIds.size() + " query ids for " + rows.length + " queries");
            }
            Map<String, List<ScoredDoc>> m = new LinkedHashMap<>();
            for (int q = 0; q < rows.length; q++) {
                List<ScoredDoc> hits = new ArrayList<>(rows[q].length);
                for (int i = 0; i < rows[q].length; i++) {
                    hits.add(new ScoredDoc(docIds.get((int) rows[q][i]), scores[q][i]));
                }
                m.put(queryIds.get(q), hits);
            }
            return Run.of(m);
        }
    }

    private record Hit(long row, double score) {
    }
}
