package org.sparktrain.retrieval.encoder;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Inverse document frequencies of WordPiece ids over a corpus, an optional initialisation of the
 * {@link PooledEncoder}'s per-token weights (weighted averaging as in Arora et al., ICLR 2017, with IDF weights).
 *
 * <p>idf(v) = ln(1 + (N − df(v) + 0.5) / (df(v) + 0.5)), Lucene's BM25 IDF, with N documents and df(v) the number
 * of documents containing id v (each document counted once per id). Ids that occur in no document get the largest
 * value ln(1 + (N + 0.5)/0.5). The weights are returned divided by their mean over the corpus's token occurrences,
 * so a typical token keeps weight about 1.
 */
public final class TokenIdf {
    private TokenIdf() {
    }

    /** Per-id weights (length {@code vocabSize}) from the documents' token id sequences. */
    public static double[] weights(Collection<int[]> documents, int vocabSize) {
        int n = documents.size();
        if (n == 0) {
            throw new IllegalArgumentException("no documents to count token frequencies in");
        }
        int[] df = new int[vocabSize];
        long occurrences = 0;
        long[] tf = new long[vocabSize];
        for (int[] doc : documents) {
            Set<Integer> seen = new HashSet<>();
            for (int t : doc) {
                if (t < 0 || t >= vocabSize) {
                    throw new IllegalArgumentException("token id " + t + " outside [0, " + vocabSize + ")");
                }
                if (seen.add(t)) {
                    df[t]++;
                }
                tf[t]++;
                occurrences++;
            }
        }
        double[] idf = new double[vocabSize];
        double weighted = 0;
        for (int v = 0; v < vocabSize; v++) {
            idf[v] = Math.log(1 + (n - df[v] + 0.5) / (df[v] + 0.5));
            weighted += tf[v] * idf[v];
        }
        double mean = weighted / Math.max(1, occurrences);
        for (int v = 0; v < vocabSize; v++) {
            idf[v] /= mean;
        }
        return idf;
    }
}
