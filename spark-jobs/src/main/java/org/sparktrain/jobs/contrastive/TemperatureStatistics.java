package org.sparktrain.jobs.contrastive;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Arrays;
import java.util.List;

/**
 * The learned per-record temperatures τ_i grouped by class: count, mean, median and a histogram over
 * [τ_min, τ_max] per class, and the Spearman rank correlation between a class's mean τ and its number of training
 * records (iSogCLR predicts frequent semantics get larger τ, i.e. a positive correlation on long-tailed data).
 */
final class TemperatureStatistics {
    private final double[][] byClass;
    private final List<String> classNames;
    private final double lo;
    private final double hi;
    private final int bins;

    /** @param byClass τ_i of the training records of each class (index = class) */
    TemperatureStatistics(double[][] byClass, List<String> classNames, double lo, double hi, int bins) {
        this.byClass = byClass;
        this.classNames = classNames;
        this.lo = lo;
        this.hi = hi;
        this.bins = bins;
    }

    double mean(int k) {
        return Arrays.stream(byClass[k]).average().orElse(Double.NaN);
    }

    /** Histogram of class k: counts in {@code bins} equal bins over [lo, hi] (the last bin includes hi). */
    long[] histogram(int k) {
        long[] h = new long[bins];
        double width = (hi - lo) / bins;
        for (double t : byClass[k]) {
            int b = width > 0 ? (int) Math.floor((t - lo) / width) : 0;
            h[Math.max(0, Math.min(bins - 1, b))]++;
        }
        return h;
    }

    /** Spearman correlation of (class size, mean τ) over classes with records. */
    double spearmanMeanTauVsClassSize() {
        int k = 0;
        for (double[] c : byClass) {
            k += c.length > 0 ? 1 : 0;
        }
        double[] size = new double[k];
        double[] tau = new double[k];
        int at = 0;
        for (int c = 0; c < byClass.length; c++) {
            if (byClass[c].length > 0) {
                size[at] = byClass[c].length;
                tau[at] = mean(c);
                at++;
            }
        }
        return spearman(size, tau);
    }

    /** Spearman's ρ: Pearson correlation of the ranks (ties get their average rank); NaN when a side is constant. */
    static double spearman(double[] x, double[] y) {
        return pearson(ranks(x), ranks(y));
    }

    static double[] ranks(double[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; ) {
            int j = i;
            while (j + 1 < v.length && v[order[j + 1]] == v[order[i]]) {
                j++;
            }
            double avg = (i + j) / 2.0 + 1;
            for (int t = i; t <= j; t++) {
                r[order[t]] = avg;
            }
            i = j + 1;
        }
        return r;
    }

    static double pearson(double[] x, double[] y) {
        int n = x.length;
        double mx = Arrays.stream(x).average().orElse(Double.NaN);
        double my = Arrays.stream(y).average().orElse(Double.NaN);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }

    /** The JSON of eval.json's {@code temperatures} section. */
    ObjectNode toJson() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode edges = root.putArray("binEdges");
        for (int b = 0; b <= bins; b++) {
            edges.add(lo + (hi - lo) * b / bins);
        }
        double s = spearmanMeanTauVsClassSize();
        if (Double.isNaN(s)) {
            root.putNull("spearmanMeanTauVsClassSize");
        } else {
            root.put("spearmanMeanTauVsClassSize", s);
        }
        ArrayNode classes = root.putArray("perClass");
        for (int k = 0; k < byClass.length; k++) {
            ObjectNode c = classes.addObject();
            c.put("class", k);
            c.put("name", classNames.get(k));
            c.put("count", byClass[k].length);
            if (byClass[k].length > 0) {
                double[] sorted = byClass[k].clone();
                Arrays.sort(sorted);
                c.put("meanTau", mean(k));
                c.put("medianTau", sorted[sorted.length / 2]);
                c.put("minTau", sorted[0]);
                c.put("maxTau", sorted[sorted.length - 1]);
            }
            ArrayNode h = c.putArray("histogram");
            for (long v : histogram(k)) {
                h.add(v);
            }
        }
        return root;
    }
}
