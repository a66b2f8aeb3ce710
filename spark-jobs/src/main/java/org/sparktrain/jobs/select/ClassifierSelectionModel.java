package org.sparktrain.jobs.select;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.sampling.SelectionModel;
import org.sparktrain.zoo.ClassifierModel;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * A classifier trained by {@code train-classifier} as sensitivity sampling's model (a data-prep
 * {@link SelectionModel}): the embedding is the activation of the penultimate layer (the last hidden layer of the
 * MLP, the dense layer of LeNet-5), computed with DL4J's {@code feedForwardToLayer}; the loss ℓ(x) is DL4J's
 * per-example training loss ({@code scoreExamples}: the multi-class cross-entropy −ln softmax(x)_y the network was
 * trained with); the margin is p_(1) − p_(2) of its softmax output. The network travels to the executors as the
 * bytes of its {@code model/} directory and is loaded
 * once per deserialised instance.
 */
public final class ClassifierSelectionModel implements SelectionModel {
    private static final long serialVersionUID = 1L;
    private final byte[] network;
    private final byte[] metadata;
    private final String description;
    private transient ClassifierModel model;

    ClassifierSelectionModel(byte[] network, byte[] metadata, String description) {
        this.network = network;
        this.metadata = metadata;
        this.description = description;
    }

    /** Loads {@code <path>/model/} of a run directory, or {@code <path>} itself when it is a model directory. */
    public static ClassifierSelectionModel load(String path, Configuration conf) {
        try {
            Path dir = new Path(path);
            FileSystem fs = dir.getFileSystem(conf);
            if (!fs.exists(new Path(dir, ClassifierModel.NETWORK_FILE))) {
                dir = new Path(dir, "model");
            }
            Path net = new Path(dir, ClassifierModel.NETWORK_FILE);
            if (!fs.exists(net)) {
                throw new BadInputException("model: no trained classifier in " + path + " (neither " + path + "/"
                        + ClassifierModel.NETWORK_FILE + " nor " + path + "/model/" + ClassifierModel.NETWORK_FILE
                        + "; give the run directory of a finished train-classifier run)");
            }
            byte[] n = readAll(fs, net);
            byte[] m = readAll(fs, new Path(dir, ClassifierModel.META_FILE));
            ClassifierSelectionModel loaded = new ClassifierSelectionModel(n, m, "");
            ClassifierModel c = loaded.model();
            return new ClassifierSelectionModel(n, m, c.config().type() + ("mlp".equals(c.config().type())
                    ? " " + c.config().hidden() : "") + " classifier at " + fs.makeQualified(dir));
        } catch (IOException e) {
            throw new BadInputException("model: cannot read the classifier in " + path + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readAll(FileSystem fs, Path file) throws IOException {
        try (FSDataInputStream in = fs.open(file)) {
            return in.readAllBytes();
        }
    }

    synchronized ClassifierModel model() {
        if (model == null) {
            try (InputStream n = new ByteArrayInputStream(network); InputStream m = new ByteArrayInputStream(metadata)) {
                model = ClassifierModel.read(n, m);
            } catch (IOException e) {
                throw new BadInputException("model: cannot load the classifier: " + e.getMessage(), e);
            }
        }
        return model;
    }

    @Override
    public synchronized float[][] embed(float[][] features) {
        MultiLayerNetwork net = model().network();
        List<INDArray> activations = net.feedForwardToLayer(net.getnLayers() - 2, matrix(features), false);
        INDArray penultimate = activations.get(activations.size() - 1);
        penultimate = penultimate.reshape(features.length, penultimate.length() / features.length);
        float[][] out = new float[features.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = penultimate.getRow(i).toFloatVector();
        }
        return out;
    }

    @Override
    public synchronized double[] losses(float[][] features, double[] labels) {
        ClassifierModel c = model();
        INDArray y = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, labels.length, c.numClasses());
        for (int i = 0; i < labels.length; i++) {
            int k = (int) labels[i];
            if (k != labels[i] || k < 0 || k >= c.numClasses()) {
                throw new BadInputException("label " + labels[i] + " is not a class of " + description);
            }
            y.putScalar(i, k, 1f);
        }
        INDArray scores = c.network().scoreExamples(new DataSet(matrix(features), y), false);
        return scores.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector();
    }

    /** p_(1) − p_(2) of the network's softmax output ({@code MultiLayerNetwork.output} in inference mode). */
    @Override
    public synchronized double[] margins(float[][] features) {
        INDArray p = model().network().output(matrix(features), false);
        double[] out = new double[features.length];
        for (int i = 0; i < out.length; i++) {
            double first = Double.NEGATIVE_INFINITY;
            double second = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < p.columns(); c++) {
                double v = p.getDouble(i, c);
                if (v > first) {
                    second = first;
                    first = v;
                } else if (v > second) {
                    second = v;
                }
            }
            out[i] = first - second;
        }
        return out;
    }

    private INDArray matrix(float[][] features) {
        int d = features.length == 0 ? 0 : features[0].length;
        float[] flat = new float[features.length * d];
        for (int i = 0; i < features.length; i++) {
            System.arraycopy(features[i], 0, flat, i * d, d);
        }
        return Nd4j.create(flat, new long[]{features.length, d}, 'c');
    }

    @Override
    public String description() {
        return description;
    }
}
