package org.sparktrain.report;

import com.fasterxml.jackson.databind.JsonNode;
import org.sparktrain.data.BadInputException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's {@code eval.json}. For a classifier: {@code {"split", "count", "accuracy", "loss", "perClassAccuracy",
 * "confusionMatrix" (rows = true class, columns = predicted class), "classNames"}}; other jobs write other top-level
 * numbers, all of which are kept in {@link #numericFields()}.
 *
 * <p>Per-class accuracy (recall) and precision are computed from the confusion matrix: for class k with support
 * {@code n_k = sum_j C[k][j]}, accuracy {@code C[k][k] / n_k} and precision {@code C[k][k] / sum_i C[i][k]} (NaN when
 * the denominator is 0). {@link #inconsistencies()} lists where the file's own numbers disagree with the matrix.
 * Immutable.
 */
public final class EvalResult {
    private static final double TOLERANCE = 1e-6;

    private final String split;
    private final Map<String, Double> numericFields;
    private final Map<String, String> textFields;
    private final long[][] confusion;
    private final double[] givenPerClassAccuracy;
    private final List<String> classNames;
    private final int givenNames;

    private EvalResult(String split, Map<String, Double> numericFields, Map<String, String> textFields,
                       long[][] confusion, double[] givenPerClassAccuracy, List<String> classNames, int givenNames) {
        this.split = split;
        this.numericFields = Collections.unmodifiableMap(numericFields);
        this.textFields = Collections.unmodifiableMap(textFields);
        this.confusion = confusion;
        this.givenPerClassAccuracy = givenPerClassAccuracy;
        this.classNames = List.copyOf(classNames);
        this.givenNames = givenNames;
    }

    /**
     * Reads the parsed {@code eval.json}.
     *
     * @param source the file, named in errors
     * @throws BadInputException when the root is not an object or the confusion matrix is not a square matrix of
     *                           non-negative integers
     */
    public static EvalResult from(JsonNode root, String source) {
        if (root == null || !root.isObject()) {
            throw new BadInputException(source + ": expected a JSON object");
        }
        Map<String, Double> numbers = new LinkedHashMap<>();
        Map<String, String> texts = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (JsonNumbers.isNumeric(f.getValue())) {
                numbers.put(f.getKey(), JsonNumbers.orNaN(f.getValue()));
            } else if (f.getValue().isTextual()) {
                texts.put(f.getKey(), f.getValue().textValue());
            }
        }
        long[][] confusion = root.has("confusionMatrix") ? matrix(root.get("confusionMatrix"), source) : null;
        if (confusion != null && confusion.length == 0) {
            confusion = null;
        }
        double[] given = null;
        JsonNode per = root.get("perClassAccuracy");
        if (per != null && per.isArray()) {
            given = new double[per.size()];
            for (int i = 0; i < given.length; i++) {
                given[i] = JsonNumbers.orNaN(per.get(i));
            }
        }
        int k = confusion != null ? confusion.length : given != null ? given.length : 0;
        List<String> names = new ArrayList<>();
        JsonNode cn = root.get("classNames");
        int givenNames = cn != null && cn.isArray() ? cn.size() : -1;
        if (givenNames == k) {
            cn.forEach(n -> names.add(n.asText()));
        } else {
            for (int i = 0; i < k; i++) {
                names.add(Integer.toString(i));
            }
        }
        String split = root.path("split").isTextual() ? root.get("split").textValue() : "evaluation";
        return new EvalResult(split, numbers, texts, confusion, given, names, givenNames);
    }

    private static long[][] matrix(JsonNode node, String source) {
        if (!node.isArray()) {
            throw new BadInputException(source + ": confusionMatrix must be an array of rows");
        }
        int k = node.size();
        long[][] m = new long[k][];
        for (int i = 0; i < k; i++) {
            JsonNode row = node.get(i);
            if (!row.isArray() || row.size() != k) {
                throw new BadInputException(source + ": confusionMatrix must be square (" + k + " rows), row " + i
                        + " has " + (row.isArray() ? row.size() + " entries" : "no entries"));
            }
            m[i] = new long[k];
            for (int j = 0; j < k; j++) {
                JsonNode v = row.get(j);
                if (!v.canConvertToExactIntegral() || v.asLong() < 0) {
                    throw new BadInputException(source + ": confusionMatrix[" + i + "][" + j
                            + "] must be a non-negative integer count, got " + v);
                }
                m[i][j] = v.asLong();
            }
        }
        return m;
    }

    /** The evaluated split ({@code "evaluation"} when the file names none). */
    public String split() {
        return split;
    }

    /** Every top-level numeric field in file order, e.g. count, accuracy, loss. */
    public Map<String, Double> numericFields() {
        return numericFields;
    }

    /** Every top-level string field in file order, e.g. split, dataset. */
    public Map<String, String> textFields() {
        return textFields;
    }

    /** The top-level {@code accuracy}, or NaN. */
    public double accuracy() {
        return numericFields.getOrDefault("accuracy", Double.NaN);
    }

    /** True when the file has a (valid) confusion matrix. */
    public boolean hasConfusionMatrix() {
        return confusion != null;
    }

    /** Number of classes (0 when the file has neither a confusion matrix nor per-class accuracies). */
    public int numClasses() {
        return classNames.size();
    }

    /** Class names from the file, or {@code "0".."K-1"} when it has none (or the wrong number). */
    public List<String> classNames() {
        return classNames;
    }

    /** Entry (true class, predicted class) of the confusion matrix. */
    public long confusion(int trueClass, int predicted) {
        requireMatrix();
        return confusion[trueClass][predicted];
    }

    /** Examples of each true class (row sums). */
    public long[] support() {
        requireMatrix();
        long[] s = new long[confusion.length];
        for (int i = 0; i < s.length; i++) {
            for (long v : confusion[i]) {
                s[i] += v;
            }
        }
        return s;
    }

    /** Accuracy of each true class from the matrix; the file's {@code perClassAccuracy} when there is no matrix. */
    public double[] perClassAccuracy() {
        if (confusion == null) {
            return givenPerClassAccuracy == null ? new double[0] : givenPerClassAccuracy.clone();
        }
        long[] support = support();
        double[] a = new double[confusion.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = support[i] == 0 ? Double.NaN : (double) confusion[i][i] / support[i];
        }
        return a;
    }

    /** Precision of each predicted class from the matrix (NaN for a class never predicted). */
    public double[] perClassPrecision() {
        requireMatrix();
        double[] p = new double[confusion.length];
        for (int j = 0; j < p.length; j++) {
            long predicted = 0;
            for (long[] row : confusion) {
                predicted += row[j];
            }
            p[j] = predicted == 0 ? Double.NaN : (double) confusion[j][j] / predicted;
        }
        return p;
    }

    /**
     * Human-readable disagreements between the file's count, accuracy, perClassAccuracy and classNames and its
     * confusion matrix.
     */
    public List<String> inconsistencies() {
        List<String> out = new ArrayList<>();
        if (givenNames >= 0 && givenNames != classNames.size()) {
            out.add("classNames has " + givenNames + " entries but there are " + classNames.size()
                    + " classes; classes are shown by index");
        }
        if (confusion == null) {
            return out;
        }
        long total = 0;
        long correct = 0;
        for (int i = 0; i < confusion.length; i++) {
            for (long v : confusion[i]) {
                total += v;
            }
            correct += confusion[i][i];
        }
        Double count = numericFields.get("count");
        if (count != null && count != total) {
            out.add(String.format(Locale.ROOT, "count is %s but the confusion matrix sums to %d",
                    Formats.number(count), total));
        }
        double acc = accuracy();
        if (!Double.isNaN(acc) && total > 0 && Math.abs(acc - (double) correct / total) > TOLERANCE) {
            out.add(String.format(Locale.ROOT, "accuracy is %s but the confusion matrix gives %s",
                    Formats.fixed(acc), Formats.fixed((double) correct / total)));
        }
        if (givenPerClassAccuracy != null) {
            double[] computed = perClassAccuracy();
            if (givenPerClassAccuracy.length != computed.length) {
                out.add("perClassAccuracy has " + givenPerClassAccuracy.length + " entries but the confusion matrix has "
                        + computed.length + " classes");
            } else {
                for (int i = 0; i < computed.length; i++) {
                    boolean bothNaN = Double.isNaN(computed[i]) && Double.isNaN(givenPerClassAccuracy[i]);
                    if (!bothNaN && !(Math.abs(computed[i] - givenPerClassAccuracy[i]) <= TOLERANCE)) {
                        out.add("perClassAccuracy of class " + classNames.get(i) + " is "
                                + Formats.fixed(givenPerClassAccuracy[i]) + " but the confusion matrix gives "
                                + Formats.fixed(computed[i]));
                    }
                }
            }
        }
        return out;
    }

    private void requireMatrix() {
        if (confusion == null) {
            throw new IllegalStateException("eval.json has no confusionMatrix");
        }
    }
}
