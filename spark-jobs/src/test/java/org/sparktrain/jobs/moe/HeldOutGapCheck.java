package org.sparktrain.jobs.moe;

import org.apache.spark.sql.SparkSession;
import org.sparktrain.zoo.moe.MaxVio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Why is the language model's held-out MaxVio_global larger than the MaxVio of its training loads? A diagnostic of
 * {@link MoeBalancingBench} (part {@code lmvariants} with {@code SPARKTRAIN_BENCH_MOE_LM_GAP=1}), not a metric: the
 * metric stays MaxVio_global on the held-out split.
 *
 * <p>With the final parameters and biases of a run it counts the routed loads, with the same evaluation code as
 * MaxVio_global, on (a) the whole training split, (b) G disjoint groups of training documents, G = training documents
 * / held-out documents (1,260 / 140 = 9 on Cranfield: every group has as many documents as the held-out split;
 * document d goes to group d mod G, as the held-out split takes every 10th document), and (c) G disjoint groups of
 * training windows (window k to group k mod G: about as many windows as the held-out split, but spread over all
 * documents). If the router is balanced on (a) and the groups (b) show about the held-out value, the held-out gap
 * is the sampling spread of 140 documents under a router balanced on the whole training distribution, not a
 * train/held-out distribution difference; (b) against (c) tells how much of that spread comes from documents
 * (topic words route together) rather than from windows.
 *
 * <p>{@link #independentTokenFloor} is the MaxVio of a perfectly balanced router whose tokens choose K distinct of
 * the N experts independently and uniformly: E[max_i c_i / c̄ − 1] over n tokens per layer, averaged over the layers
 * (independent), by simulation. It is the floor from sampling alone if tokens carried no shared routing.
 */
final class HeldOutGapCheck {
    /** MaxVio of the whole training split, and of each document group and each window group (layer means). */
    record Result(double train, double[] documentGroups, double[] windowGroups, int groups, double heldOut) {
        String row(String label, long seed) {
            return String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f | %s | %s | %s | %s |%n", label, seed, heldOut,
                    train, summary(documentGroups), fractionAtLeast(documentGroups, heldOut), summary(windowGroups),
                    fractionAtLeast(windowGroups, heldOut));
        }
    }

    private HeldOutGapCheck() {
    }

    static Result run(SparkSession spark, MoeBalancingBench.Lm lm, MoeLmFactory factory, float[] params, float[] bias,
                      double heldOut) {
        LmCorpus corpus = lm.corpus();
        int groups = Math.max(2, Math.round((float) corpus.trainDocuments() / Math.max(1, corpus.validationDocuments())));
        double train = MoeLmEvaluator.evaluate(spark, lm.train(), factory, params, bias).maxVioGlobal();
        double[] docs = evaluate(spark, byDocument(corpus.trainWindows(), groups), factory, params, bias);
        double[] windows = evaluate(spark, byWindow(corpus.trainWindows(), groups), factory, params, bias);
        return new Result(train, docs, windows, groups, heldOut);
    }

    static double[] evaluate(SparkSession spark, List<List<int[]>> groups, MoeLmFactory factory, float[] params,
                             float[] bias) {
        double[] out = new double[groups.size()];
        for (int g = 0; g < out.length; g++) {
            out[g] = MoeLmEvaluator.evaluate(spark, LmCorpus.toFrame(spark, groups.get(g)), factory, params, bias)
                    .maxVioGlobal();
        }
        return out;
    }

    /**
     * Window k of the concatenated stream belongs to the document at its first position: the number of
     * {@code <eos>} ids before it, i.e. in positions 0 .. T − 1 of the earlier windows (position T is the next
     * window's position 0). Document d goes to group d mod {@code groups}.
     */
    static List<List<int[]>> byDocument(List<int[]> windows, int groups) {
        List<List<int[]>> out = empty(groups);
        int doc = 0;
        for (int[] w : windows) {
            out.get(doc % groups).add(w);
            for (int j = 0; j < w.length - 1; j++) {
                doc += w[j] == WordVocabulary.END_ID ? 1 : 0;
            }
        }
        return out;
    }

    static List<List<int[]>> byWindow(List<int[]> windows, int groups) {
        List<List<int[]>> out = empty(groups);
        for (int k = 0; k < windows.size(); k++) {
            out.get(k % groups).add(windows.get(k));
        }
        return out;
    }

    private static List<List<int[]>> empty(int groups) {
        List<List<int[]>> out = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            out.add(new ArrayList<>());
        }
        return out;
    }

    /**
     * Mean MaxVio (layer mean over {@code layers} independent layers) of a perfectly balanced router: each of
     * {@code tokens} tokens picks {@code k} distinct experts of {@code n} uniformly at random; {@code draws}
     * simulated splits, fixed seed.
     */
    static double independentTokenFloor(int tokens, int n, int k, int layers, int draws, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double sum = 0;
        int[] experts = new int[n];
        for (int d = 0; d < draws; d++) {
            double[] loads = new double[layers * n];
            for (int l = 0; l < layers; l++) {
                for (int t = 0; t < tokens; t++) {
                    for (int i = 0; i < n; i++) {
                        experts[i] = i;
                    }
                    for (int j = 0; j < k; j++) { // partial Fisher-Yates: k distinct experts
                        int r = j + rnd.nextInt(n - j);
                        int e = experts[r];
                        experts[r] = experts[j];
                        experts[j] = e;
                        loads[l * n + e]++;
                    }
                }
            }
            sum += MaxVio.meanOverLayers(loads, layers, n);
        }
        return sum / draws;
    }

    static String summary(double[] v) {
        double m = Arrays.stream(v).average().orElse(Double.NaN);
        return String.format(Locale.ROOT, "%.3f (%.3f–%.3f)", m, Arrays.stream(v).min().orElse(Double.NaN),
                Arrays.stream(v).max().orElse(Double.NaN));
    }

    /** Fraction of the groups whose MaxVio is at least the held-out value. */
    static String fractionAtLeast(double[] v, double heldOut) {
        return Arrays.stream(v).filter(x -> x >= heldOut).count() + "/" + v.length;
    }
}
