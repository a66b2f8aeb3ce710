package org.sparktrain.retrieval.eval;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A fixed, seeded split of query ids into train and test: the ids are sorted (numerically when all are integers,
 * else as strings), shuffled by {@link Collections#shuffle(List, Random)} with {@code new Random(seed)}, and the
 * first {@code testSize} become the test queries. The same ids, seed and size give the same split on any JVM
 * (java.util.Random's sequence is specified).
 *
 * @param train the training query ids, in shuffled order
 * @param test  the test query ids, in shuffled order
 */
public record QuerySplit(List<String> train, List<String> test) {
    /** The split used for Cranfield's 225 queries in docs/benchmarks-retrieval.md. */
    public static final long CRANFIELD_SEED = 20261127L;
    /** Number of Cranfield test queries (the other 150 are for training and validation). */
    public static final int CRANFIELD_TEST_SIZE = 75;

    public static QuerySplit of(Collection<String> queryIds, long seed, int testSize) {
        Set<String> unique = new LinkedHashSet<>(queryIds);
        if (unique.size() != queryIds.size()) {
            throw new IllegalArgumentException("query ids are not unique");
        }
        if (testSize < 0 || testSize > unique.size()) {
            throw new IllegalArgumentException("testSize " + testSize + " not in 0.." + unique.size());
        }
        List<String> ids = new ArrayList<>(unique);
        boolean numeric = ids.stream().allMatch(s -> s.matches("-?\\d{1,18}"));
        ids.sort(numeric ? (a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)) : String::compareTo);
        Collections.shuffle(ids, new Random(seed));
        return new QuerySplit(List.copyOf(ids.subList(testSize, ids.size())), List.copyOf(ids.subList(0, testSize)));
    }
}
