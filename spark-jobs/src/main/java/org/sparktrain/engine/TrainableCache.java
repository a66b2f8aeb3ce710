package org.sparktrain.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Keeps each worker's built {@link Trainable} in its executor JVM between rounds, so a round costs a parameter copy,
 * not a network rebuild. Keyed by run, worker index and architecture; a run's entries are dropped when it ends.
 */
final class TrainableCache {
    private static final Map<String, Trainable> CACHE = new ConcurrentHashMap<>();

    private TrainableCache() {
    }

    static Trainable get(String runKey, int worker, TrainableFactory factory) {
        String key = runKey + "/" + worker + "/" + factory.cacheKey();
        Trainable cached = CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        // a new run in a long-lived executor (notebooks): drop what earlier runs left behind
        removeAndClose(k -> !k.startsWith(runKey + "/"));
        return CACHE.computeIfAbsent(key, k -> factory.create());
    }

    static void release(String runKey) {
        removeAndClose(k -> k.startsWith(runKey + "/"));
    }

    /**
     * Removes the matching entries and closes each exactly once. Two tasks of one executor release the same run
     * concurrently; {@code remove(key)} hands each entry to only one of them (a {@code removeIf} whose predicate
     * closes could close one Trainable from both threads at once).
     */
    private static void removeAndClose(Predicate<String> matches) {
        for (String key : CACHE.keySet()) {
            if (matches.test(key)) {
                Trainable removed = CACHE.remove(key);
                if (removed != null) {
                    removed.close();
                }
            }
        }
    }
}
