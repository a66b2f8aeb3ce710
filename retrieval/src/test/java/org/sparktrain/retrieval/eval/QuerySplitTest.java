package org.sparktrain.retrieval.eval;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuerySplitTest {
    @Test
    void cranfieldSplitIsFixedDisjointAndComplete() {
        List<String> ids = IntStream.rangeClosed(1, 225).mapToObj(Integer::toString).toList();
        List<String> reversed = new ArrayList<>(ids);
        java.util.Collections.reverse(reversed);
        QuerySplit a = QuerySplit.of(ids, QuerySplit.CRANFIELD_SEED, QuerySplit.CRANFIELD_TEST_SIZE);
        QuerySplit b = QuerySplit.of(reversed, QuerySplit.CRANFIELD_SEED, QuerySplit.CRANFIELD_TEST_SIZE);
        assertEquals(a, b, "input order does not matter");
        assertEquals(75, a.test().size());
        assertEquals(150, a.train().size());
        Set<String> all = new HashSet<>(a.train());
        all.addAll(a.test());
        assertEquals(225, all.size());
        // pinned: the documented split (java.util.Random's sequence is specified, so this holds on every JVM)
        assertEquals(List.of("49", "118", "170", "148", "90"), a.test().subList(0, 5));
        assertEquals(List.of("141", "173", "166"), a.test().subList(72, 75));
        assertEquals(List.of("18", "91", "203"), a.train().subList(0, 3));
        assertNotEquals(a, QuerySplit.of(ids, QuerySplit.CRANFIELD_SEED + 1, 75));
        assertTrue(a.test().stream().noneMatch(a.train()::contains));
    }
}
