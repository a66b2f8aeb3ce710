package org.sparktrain.zoo.grownet;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The fixed per-feature map from raw features to a GrowNet's network inputs x̃_j = t_j(x_j), fitted on the training
 * data and stored in the model, so that prediction in a plain JVM applies the same map. Implementations are
 * immutable: {@link StandardScaling} ((x − mean)/sd) and {@link QuantileNormalScaling} (rank-Gauss:
 * Φ⁻¹ of the training quantile of x, invariant to monotone transformations of each feature, as tree ensembles are).
 * Serializable, so Spark closures that prepare the data can carry it.
 */
public interface FeatureScaling extends java.io.Serializable {
    /** Name written into the model file ({@code standard}, {@code quantile}). */
    String kind();

    /** Number of features d. */
    int inputs();

    /** t_j(v) for feature {@code j}. */
    double apply(int j, double v);

    /** Writes the fitted parameters (after the kind, which {@link #write(FeatureScaling, DataOutputStream)} writes). */
    void writeParams(DataOutputStream out) throws IOException;

    /** Transforms raw rows (row-major, rows × d) into doubles. */
    default double[] apply(float[] rowMajor, int rows) {
        int d = inputs();
        if (rowMajor.length != (long) rows * d) {
            throw new IllegalArgumentException("expected " + rows + " x " + d + " features, got " + rowMajor.length
                    + " values");
        }
        double[] out = new double[rowMajor.length];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < d; j++) {
                out[r * d + j] = apply(j, rowMajor[r * d + j]);
            }
        }
        return out;
    }

    static void write(FeatureScaling scaling, DataOutputStream out) throws IOException {
        out.writeUTF(scaling.kind());
        scaling.writeParams(out);
    }

    /** Reads what {@link #write(FeatureScaling, DataOutputStream)} wrote; {@code source} names the input in errors. */
    static FeatureScaling read(DataInputStream in, int inputs, String source) throws IOException {
        String kind = in.readUTF();
        FeatureScaling s = switch (kind) {
            case StandardScaling.KIND -> StandardScaling.readParams(in);
            case QuantileNormalScaling.KIND -> QuantileNormalScaling.readParams(in);
            default -> throw new IOException(source + ": unknown feature scaling '" + kind + "'");
        };
        if (s.inputs() != inputs) {
            throw new IOException(source + ": feature scaling covers " + s.inputs() + " features, the model " + inputs);
        }
        return s;
    }
}
