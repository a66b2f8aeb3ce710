package org.sparktrain.jobs.classifier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.Serializable;
import java.util.List;

/**
 * Confusion matrix of a classifier on a labelled split (rows = true class, columns = predicted class) with the mean
 * cross-entropy; accuracy and per-class accuracy (recall of each class) derive from it. Partial results of
 * partitions {@link #merge} into the total.
 */
public final class ClassificationMetrics implements Serializable {
    private final long[][] confusion;
    private double lossSum;

    public ClassificationMetrics(int numClasses) {
        this.confusion = new long[numClasses][numClasses];
    }

    public void add(int trueClass, int predicted, double loss) {
        confusion[trueClass][predicted]++;
        lossSum += loss;
    }

    public ClassificationMetrics merge(ClassificationMetrics other) {
        for (int i = 0; i < confusion.length; i++) {
            for (int j = 0; j < confusion.length; j++) {
                confusion[i][j] += other.confusion[i][j];
            }
        }
        lossSum += other.lossSum;
        return this;
    }

    public long count() {
        long n = 0;
        for (long[] row : confusion) {
            for (long v : row) {
                n += v;
            }
        }
        return n;
    }

    public long correct() {
        long c = 0;
        for (int i = 0; i < confusion.length; i++) {
            c += confusion[i][i];
        }
        return c;
    }

    public double accuracy() {
        long n = count();
        return n == 0 ? Double.NaN : (double) correct() / n;
    }

    public double meanLoss() {
        long n = count();
        return n == 0 ? Double.NaN : lossSum / n;
    }

    /** Fraction of each true class predicted correctly (NaN for a class absent from the split). */
    public double[] perClassAccuracy() {
        double[] out = new double[confusion.length];
        for (int i = 0; i < confusion.length; i++) {
            long total = 0;
            for (long v : confusion[i]) {
                total += v;
            }
            out[i] = total == 0 ? Double.NaN : (double) confusion[i][i] / total;
        }
        return out;
    }

    public long[][] confusion() {
        return confusion;
    }

    /** The eval.json object: split, count, accuracy, loss, perClassAccuracy, confusionMatrix, classNames. */
    public ObjectNode toJson(String split, List<String> classNames) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode n = m.createObjectNode();
        n.put("split", split);
        n.put("count", count());
        n.put("accuracy", accuracy());
        n.put("loss", meanLoss());
        ArrayNode per = n.putArray("perClassAccuracy");
        for (double a : perClassAccuracy()) {
            per.add(a);
        }
        ArrayNode cm = n.putArray("confusionMatrix");
        for (long[] row : confusion) {
            ArrayNode r = cm.addArray();
            for (long v : row) {
                r.add(v);
            }
        }
        ArrayNode names = n.putArray("classNames");
        classNames.forEach(names::add);
        return n;
    }
}
