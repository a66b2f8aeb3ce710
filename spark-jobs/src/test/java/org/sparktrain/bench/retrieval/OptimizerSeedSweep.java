package org.sparktrain.bench.retrieval;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.sparktrain.engine.OptimizerConfig;
import org.sparktrain.retrieval.eval.RetrievalMetrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The issue-9 comparison shared by the Cranfield bi-encoder benches: Adam at a constant learning rate swept over
 * several values, against learning-rate-free optimizers at their defaults (or at settings the spec lists as
 * defaults, e.g. Prodigy's safeguardWarmup), each over several seeds (the seed changes the order of the triples
 * and the engine seed; the triples and the start are the same). Tuned Adam is the learning rate with the best mean
 * validation nDCG@10 over the seeds; every optimizer is reported as mean and sample standard deviation over seeds of
 * test nDCG@10, and "within 1%" compares the means.
 *
 * <p>Optimizer specs ({@code bench.free}): {@code ;}-separated, each {@code type[,key=value...]} with
 * {@link OptimizerConfig}'s keys (Jackson builds the record, so unknown keys and bad values fail as in a job config),
 * e.g. {@code prodigy,safeguardWarmup=true,biasCorrection=true;schedule-free-adamw,warmupSteps=10}.
 */
final class OptimizerSeedSweep {
    /** One trained and evaluated run. */
    record Result(double validationNdcg, RetrievalMetrics.Summary test, double trainSeconds, double distanceMoved) {
    }

    /** Trains one run with an optimizer and a seed and evaluates it at the optimizer's evaluation point. */
    interface Trainer {
        Result train(String name, OptimizerConfig optimizer, long seed) throws Exception;
    }

    /** Receives every finished line (table rows), so a killed run keeps what it finished. */
    interface Sink {
        void accept(String line) throws Exception;
    }

    private OptimizerSeedSweep() {
    }

    static final String HEADER = "\n| optimizer | seed | val nDCG@10 | test nDCG@10 | test MRR@10 | test R@100 | "
            + "‖x − x0‖ | training time |\n|---|---|---|---|---|---|---|---|\n";
    static final String SUMMARY_HEADER = "| optimizer | mean val nDCG@10 | mean test nDCG@10 | sd (seeds) | min..max |"
            + " vs tuned Adam | mean test MRR@10 | mean test R@100 | compute (s, all seeds) |\n"
            + "|---|---|---|---|---|---|---|---|---|\n";

    /** Parses {@code bench.free}-style specs into named configs (name = the spec text). */
    static Map<String, OptimizerConfig> parse(String specs) {
        Map<String, OptimizerConfig> out = new LinkedHashMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String spec : specs.split(";")) {
            String s = spec.trim();
            if (s.isEmpty()) {
                continue;
            }
            String[] parts = s.split(",");
            Map<String, Object> keys = new LinkedHashMap<>();
            keys.put("type", parts[0].trim());
            for (int i = 1; i < parts.length; i++) {
                String[] kv = parts[i].split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException("bench.free: '" + parts[i] + "' in '" + s + "' is not key=value");
                }
                keys.put(kv[0].trim(), kv[1].trim());
            }
            out.put(s, json.convertValue(keys, OptimizerConfig.class));
        }
        return out;
    }

    static List<Long> seeds(String list) {
        List<Long> out = new ArrayList<>();
        for (String s : list.split(",")) {
            out.add(Long.parseLong(s.trim()));
        }
        return out;
    }

    /**
     * Runs the sweep and returns the summary table (Markdown). Per-run rows go to {@code sink} as they finish.
     */
    static String run(Trainer trainer, List<Double> adamRates, Map<String, OptimizerConfig> free, List<Long> seeds,
                      Sink sink) throws Exception {
        sink.accept(HEADER);
        Map<String, List<Result>> results = new LinkedHashMap<>();
        for (double rate : adamRates) {
            String name = "adam lr=" + rate;
            results.put(name, runSeeds(trainer, sink, name, OptimizerConfig.of("adam", rate), seeds));
        }
        String tuned = null;
        double bestVal = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, List<Result>> e : results.entrySet()) {
            double val = mean(e.getValue(), r -> r.validationNdcg());
            if (val > bestVal) {
                bestVal = val;
                tuned = e.getKey();
            }
        }
        double sweepSeconds = results.values().stream().flatMap(List::stream).mapToDouble(Result::trainSeconds).sum();
        for (Map.Entry<String, OptimizerConfig> e : free.entrySet()) {
            results.put(e.getKey(), runSeeds(trainer, sink, e.getKey(), e.getValue(), seeds));
        }
        double tunedTest = mean(results.get(tuned), r -> r.test().ndcg10());
        StringBuilder summary = new StringBuilder(SUMMARY_HEADER);
        for (Map.Entry<String, List<Result>> e : results.entrySet()) {
            List<Result> rs = e.getValue();
            boolean isTuned = e.getKey().equals(tuned);
            double seconds = rs.stream().mapToDouble(Result::trainSeconds).sum();
            summary.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %.4f..%.4f | %+.2f%% | %.4f | %.4f | %s |%n",
                    isTuned ? "**" + e.getKey() + " (tuned: best mean val)**" : e.getKey(),
                    mean(rs, r -> r.validationNdcg()), mean(rs, r -> r.test().ndcg10()), sd(rs, r -> r.test().ndcg10()),
                    rs.stream().mapToDouble(r -> r.test().ndcg10()).min().orElse(Double.NaN),
                    rs.stream().mapToDouble(r -> r.test().ndcg10()).max().orElse(Double.NaN),
                    100 * (mean(rs, r -> r.test().ndcg10()) - tunedTest) / tunedTest,
                    mean(rs, r -> r.test().mrr10()), mean(rs, r -> r.test().recall100()),
                    isTuned ? String.format(Locale.ROOT, "%.1f (sweep of %d rates: %.1f)", seconds, adamRates.size(),
                            sweepSeconds)
                            : String.format(Locale.ROOT, "%.1f", seconds)));
        }
        return summary.toString();
    }

    private static List<Result> runSeeds(Trainer trainer, Sink sink, String name, OptimizerConfig optimizer,
                                         List<Long> seeds) throws Exception {
        List<Result> out = new ArrayList<>();
        for (long seed : seeds) {
            Result r = trainer.train(name, optimizer, seed);
            out.add(r);
            sink.accept(String.format(Locale.ROOT, "| %s | %d | %.4f | %.4f | %.4f | %.4f | %.4g | %.1f s |%n", name,
                    seed, r.validationNdcg(), r.test().ndcg10(), r.test().mrr10(), r.test().recall100(),
                    r.distanceMoved(), r.trainSeconds()));
        }
        return out;
    }

    /** ‖a − b‖₂ in double. */
    static double distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    private static double mean(List<Result> rs, java.util.function.ToDoubleFunction<Result> f) {
        return rs.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    private static double sd(List<Result> rs, java.util.function.ToDoubleFunction<Result> f) {
        if (rs.size() < 2) {
            return Double.NaN;
        }
        double m = mean(rs, f);
        double s = 0;
        for (Result r : rs) {
            double d = f.applyAsDouble(r) - m;
            s += d * d;
        }
        return Math.sqrt(s / (rs.size() - 1));
    }
}
