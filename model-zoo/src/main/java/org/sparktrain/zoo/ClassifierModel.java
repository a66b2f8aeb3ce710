package org.sparktrain.zoo;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * A trained classifier as saved in a run's {@code model/} directory, loadable in a plain JVM without Spark:
 * {@code classifier.zip} (DL4J {@link ModelSerializer} format: configuration + parameters, no updater state) and
 * {@code model.properties} (architecture, input shape, classes).
 *
 * <p>Input: one example as C*H*W floats in [0,1], row-major, exactly as in prepared datasets. Output: class
 * probabilities (softmax) and the arg-max class.
 */
public final class ClassifierModel {
    public static final String NETWORK_FILE = "classifier.zip";
    public static final String META_FILE = "model.properties";

    private final MultiLayerNetwork network;
    private final ClassifierModelConfig config;
    private final ImageShape shape;
    private final List<String> classNames;

    public ClassifierModel(MultiLayerNetwork network, ClassifierModelConfig config, ImageShape shape,
                           List<String> classNames) {
        this.network = network;
        this.config = config;
        this.shape = shape;
        this.classNames = List.copyOf(classNames);
    }

    public MultiLayerNetwork network() {
        return network;
    }

    public ClassifierModelConfig config() {
        return config;
    }

    public ImageShape shape() {
        return shape;
    }

    public int numClasses() {
        return classNames.size();
    }

    public List<String> classNames() {
        return classNames;
    }

    /** Class probabilities of a batch: features (B, C*H*W) -> (B, K). */
    public INDArray probabilities(INDArray features) {
        return network.output(features, false);
    }

    public float[] probabilities(float[] example) {
        if (example.length != shape.size()) {
            throw new IllegalArgumentException("expected " + shape.size() + " features (" + shape + "), got " + example.length);
        }
        return probabilities(Nd4j.create(example, new long[]{1, example.length}, 'c')).toFloatVector();
    }

    public int predict(float[] example) {
        float[] p = probabilities(example);
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }

    public void writeNetwork(OutputStream out) throws IOException {
        ModelSerializer.writeModel(network, out, false);
    }

    public Properties metadata() {
        Properties p = new Properties();
        p.setProperty("format", "sparktrain-classifier/1");
        p.setProperty("type", config.type());
        p.setProperty("hidden", config.hidden().toString().replaceAll("[\\[\\] ]", ""));
        p.setProperty("channels", Integer.toString(shape.channels()));
        p.setProperty("height", Integer.toString(shape.height()));
        p.setProperty("width", Integer.toString(shape.width()));
        p.setProperty("classNames", String.join("\u001f", classNames));
        return p;
    }

    public void writeMetadata(OutputStream out) throws IOException {
        metadata().store(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), "sparktrain classifier");
    }

    public static ClassifierModel read(InputStream network, InputStream metadata) throws IOException {
        Properties p = new Properties();
        p.load(new java.io.InputStreamReader(metadata, StandardCharsets.UTF_8));
        if (!"sparktrain-classifier/1".equals(p.getProperty("format"))) {
            throw new IOException("not a sparktrain classifier (format " + p.getProperty("format") + ")");
        }
        List<Integer> hidden = new ArrayList<>();
        for (String h : p.getProperty("hidden", "").split(",")) {
            if (!h.isBlank()) {
                hidden.add(Integer.parseInt(h.trim()));
            }
        }
        ClassifierModelConfig config = new ClassifierModelConfig(p.getProperty("type"), hidden);
        ImageShape shape = new ImageShape(Integer.parseInt(p.getProperty("channels")),
                Integer.parseInt(p.getProperty("height")), Integer.parseInt(p.getProperty("width")));
        List<String> classes = Arrays.asList(p.getProperty("classNames").split("\u001f"));
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(network, false);
        return new ClassifierModel(net, config, shape, classes);
    }

    /** Loads a model directory from the local file system. */
    public static ClassifierModel load(Path dir) throws IOException {
        try (InputStream net = Files.newInputStream(dir.resolve(NETWORK_FILE));
             InputStream meta = Files.newInputStream(dir.resolve(META_FILE))) {
            return read(net, meta);
        }
    }
}
