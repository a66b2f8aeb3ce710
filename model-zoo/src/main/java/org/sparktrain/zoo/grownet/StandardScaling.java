package org.sparktrain.zoo.grownet;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** Standardisation x̃_j = (x_j − mean_j) / scale_j with the training mean and standard deviation (scale 1 for a constant feature). */
public final class StandardScaling implements FeatureScaling {
    static final String KIND = "standard";

    private final double[] mean;
    private final double[] scale;

    public StandardScaling(double[] mean, double[] scale) {
        if (mean.length != scale.length) {
            throw new IllegalArgumentException("mean has " + mean.length + " entries, scale " + scale.length);
        }
        for (int j = 0; j < scale.length; j++) {
            if (!(scale[j] > 0) || !Double.isFinite(scale[j]) || !Double.isFinite(mean[j])) {
                throw new IllegalArgumentException("feature " + j + ": scale must be positive and finite, mean finite; "
                        + "got mean " + mean[j] + ", scale " + scale[j]);
            }
        }
        this.mean = mean.clone();
        this.scale = scale.clone();
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public int inputs() {
        return mean.length;
    }

    @Override
    public double apply(int j, double v) {
        return (v - mean[j]) / scale[j];
    }

    @Override
    public void writeParams(DataOutputStream out) throws IOException {
        DoubleArrayIo.write(out, mean);
        DoubleArrayIo.write(out, scale);
    }

    static StandardScaling readParams(DataInputStream in) throws IOException {
        return new StandardScaling(DoubleArrayIo.read(in), DoubleArrayIo.read(in));
    }
}
