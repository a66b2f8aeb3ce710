package org.sparktrain.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
        CACHE.entrySet().removeIf(e -> {
            if (!e.getKey().startsWith(runKey + "/")) {
                e.getValue().close();
                return true;
            }
            return false;
        });
        return CACHE.computeIfAbsent(key, k -> factory.create());
    }

    static void release(String runKey) {
        CACHE.entrySet().removeIf(e -> {
            if (e.getKey().startsWith(runKey + "/")) {
                e.getValue().close();
                return true;
            }
            return false;
        });
    }
}
