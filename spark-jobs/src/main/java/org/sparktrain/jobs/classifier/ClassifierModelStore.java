package org.sparktrain.jobs.classifier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparktrain.data.AtomicOutput;
import org.sparktrain.data.BadInputException;
import org.sparktrain.zoo.ClassifierModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Saves a {@link ClassifierModel} with its model card to a run's {@code model/} directory on any Hadoop path,
 * atomically (the whole directory appears at once), and loads it back. Outside Spark, the same directory on local
 * disk loads with {@link ClassifierModel#load(java.nio.file.Path)}.
 */
public final class ClassifierModelStore {
    public static final String CARD_JSON = "model-card.json";
    public static final String CARD_MD = "model-card.md";

    private ClassifierModelStore() {
    }

    public static void save(ClassifierModel model, ObjectNode card, String dir, Configuration conf) {
        try (AtomicOutput out = AtomicOutput.begin(dir, conf)) {
            FileSystem fs = out.fileSystem();
            Path tmp = out.tempPath();
            fs.mkdirs(tmp);
            try (FSDataOutputStream os = fs.create(new Path(tmp, ClassifierModel.NETWORK_FILE))) {
                model.writeNetwork(os);
            }
            try (FSDataOutputStream os = fs.create(new Path(tmp, ClassifierModel.META_FILE))) {
                model.writeMetadata(os);
            }
            try (FSDataOutputStream os = fs.create(new Path(tmp, CARD_JSON))) {
                os.write(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(card));
            }
            try (FSDataOutputStream os = fs.create(new Path(tmp, CARD_MD))) {
                os.write(ModelCard.markdown(card).getBytes(StandardCharsets.UTF_8));
            }
            out.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save model to " + dir, e);
        }
    }

    public static ClassifierModel load(String dir, Configuration conf) {
        Path p = new Path(dir);
        try {
            FileSystem fs = p.getFileSystem(conf);
            if (!fs.exists(new Path(p, ClassifierModel.NETWORK_FILE))) {
                throw new BadInputException("no trained classifier in " + dir + " (missing " + ClassifierModel.NETWORK_FILE
                        + "; did the training run finish?)");
            }
            try (FSDataInputStream net = fs.open(new Path(p, ClassifierModel.NETWORK_FILE));
                 FSDataInputStream meta = fs.open(new Path(p, ClassifierModel.META_FILE))) {
                return ClassifierModel.read(net, meta);
            }
        } catch (IOException e) {
            throw new BadInputException("cannot load the classifier in " + dir + ": " + e.getMessage(), e);
        }
    }
}
