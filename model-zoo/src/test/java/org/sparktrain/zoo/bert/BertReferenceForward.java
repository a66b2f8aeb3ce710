package org.sparktrain.zoo.bert;

import org.apache.commons.math3.special.Erf;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An independent plain-Java (double, loops) BERT forward pass for ONE unpadded sequence, written from the formulas
 * of {@link SameDiffBertEncoder}'s Javadoc: no masks, no padding, no SameDiff; erf from Apache Commons Math. Used to
 * check the SameDiff graph (which pads and masks) on small configurations.
 */
final class BertReferenceForward {
    private final BertConfig c;
    private final BertParameters p;

    BertReferenceForward(BertParameters p) {
        this.c = p.config();
        this.p = p;
    }

    /** Final hidden states (T, H) of one sequence. */
    double[][] hidden(int[] ids, int[] types) {
        int t = ids.length;
        int h = c.hidden();
        double[][] word = m(BertParameters.WORD_EMBEDDINGS);
        double[][] pos = m(BertParameters.POSITION_EMBEDDINGS);
        double[][] type = m(BertParameters.TOKEN_TYPE_EMBEDDINGS);
        double[][] x = new double[t][h];
        for (int i = 0; i < t; i++) {
            for (int k = 0; k < h; k++) {
                x[i][k] = word[ids[i]][k] + pos[i][k] + type[types == null ? 0 : types[i]][k];
            }
        }
        x = layerNorm(x, v(BertParameters.EMBEDDING_NORM_GAIN), v(BertParameters.EMBEDDING_NORM_BIAS));
        int nh = c.heads();
        int d = c.headSize();
        for (int l = 0; l < c.layers(); l++) {
            double[][] q = dense(x, l, "attention.self.query");
            double[][] k = dense(x, l, "attention.self.key");
            double[][] val = dense(x, l, "attention.self.value");
            double[][] ctx = new double[t][h];
            for (int head = 0; head < nh; head++) {
                for (int i = 0; i < t; i++) {
                    double[] s = new double[t];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < t; j++) {
                        double dot = 0;
                        for (int e = 0; e < d; e++) {
                            dot += q[i][head * d + e] * k[j][head * d + e];
                        }
                        s[j] = dot / Math.sqrt(d);
                        max = Math.max(max, s[j]);
                    }
                    double z = 0;
                    for (int j = 0; j < t; j++) {
                        s[j] = Math.exp(s[j] - max);
                        z += s[j];
                    }
                    for (int j = 0; j < t; j++) {
                        for (int e = 0; e < d; e++) {
                            ctx[i][head * d + e] += s[j] / z * val[j][head * d + e];
                        }
                    }
                }
            }
            double[][] a = add(dense(ctx, l, "attention.output.dense"), x);
            a = layerNorm(a, v(BertParameters.layerTensor(l, "attention.output.LayerNorm.weight")),
                    v(BertParameters.layerTensor(l, "attention.output.LayerNorm.bias")));
            double[][] inner = dense(a, l, "intermediate.dense");
            for (double[] row : inner) {
                for (int e = 0; e < row.length; e++) {
                    row[e] = 0.5 * row[e] * (1 + Erf.erf(row[e] / Math.sqrt(2)));
                }
            }
            x = layerNorm(add(dense(inner, l, "output.dense"), a),
                    v(BertParameters.layerTensor(l, "output.LayerNorm.weight")),
                    v(BertParameters.layerTensor(l, "output.LayerNorm.bias")));
        }
        return x;
    }

    /** Mean over the tokens, L2-normalised. */
    double[] embedding(int[] ids, int[] types) {
        double[][] x = hidden(ids, types);
        double[] e = new double[c.hidden()];
        for (double[] row : x) {
            for (int k = 0; k < e.length; k++) {
                e[k] += row[k] / x.length;
            }
        }
        double n = 0;
        for (double v : e) {
            n += v * v;
        }
        n = Math.sqrt(n);
        for (int k = 0; k < e.length; k++) {
            e[k] /= n;
        }
        return e;
    }

    private double[][] dense(double[][] x, int layer, String prefix) {
        double[][] w = m(BertParameters.layerTensor(layer, prefix + ".weight"));
        double[] b = v(BertParameters.layerTensor(layer, prefix + ".bias"));
        double[][] y = new double[x.length][b.length];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < b.length; o++) {
                double s = b[o];
                for (int in = 0; in < w.length; in++) {
                    s += x[i][in] * w[in][o];
                }
                y[i][o] = s;
            }
        }
        return y;
    }

    private double[][] layerNorm(double[][] x, double[] gain, double[] bias) {
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            double mean = 0;
            for (double v : x[i]) {
                mean += v / x[i].length;
            }
            double var = 0;
            for (double v : x[i]) {
                var += (v - mean) * (v - mean) / x[i].length;
            }
            y[i] = new double[x[i].length];
            for (int k = 0; k < x[i].length; k++) {
                y[i][k] = gain[k] * (x[i][k] - mean) / Math.sqrt(var + c.layerNormEps()) + bias[k];
            }
        }
        return y;
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] y = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < a[i].length; k++) {
                y[i][k] = a[i][k] + b[i][k];
            }
        }
        return y;
    }

    private double[][] m(String name) {
        return p.tensor(name).toDoubleMatrix();
    }

    private double[] v(String name) {
        INDArray t = p.tensor(name);
        return t.toDoubleVector();
    }
}
