package org.sparktrain.data.idx;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.BuildInfo;
import org.sparktrain.data.DatasetDescription;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.LabeledFeatures;
import org.sparktrain.data.PreparedDataset;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Turns an MNIST-style image data set (IDX images + labels for train and test) into a {@link PreparedDataset}:
 * single-channel features {@code pixel / 255f} in [0, 1], shape [1, rows, cols], ids in file order (train first),
 * class histograms per split and the size and SHA-256 of every source file in the manifest.
 *
 * <p>{@code numClasses} is the given value, else the number of class names, else max label + 1. Errors name the
 * file and record: mismatched image/label counts, different image sizes in train and test, a label outside the
 * classes, truncated or corrupt files. On any error nothing is written (see {@link PreparedDataset#write}).
 */
public final class ImagePreparation {
    private static final Logger LOG = LoggerFactory.getLogger(ImagePreparation.class);
    private static final float[] SCALE = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            SCALE[i] = i / 255f;
        }
    }

    private ImagePreparation() {
    }

    /** Prepares the four files of {@code files} (e.g. from the MNIST or Fashion-MNIST locator) into {@code outPath}. */
    public static DatasetManifest prepare(SparkSession spark, String outPath, IdxDatasetFiles files) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        try (IdxPair train = files.openTrain(conf); IdxPair test = files.openTest(conf)) {
            return prepare(spark, outPath, files.name(), train, test, files.classNames(), null);
        }
    }

    /**
     * Prepares an open train pair and test pair (which this method consumes but does not close).
     *
     * @param classNames optional class names
     * @param numClasses optional class count; null to use the class names or max label + 1
     */
    public static DatasetManifest prepare(SparkSession spark, String outPath, String name, IdxPair train, IdxPair test,
                                          List<String> classNames, Integer numClasses) {
        if (train.rows() != test.rows() || train.cols() != test.cols()) {
            throw new BadInputException("image size differs between train " + train.images().source() + " ("
                    + train.rows() + "x" + train.cols() + ") and test " + test.images().source() + " (" + test.rows()
                    + "x" + test.cols() + ")");
        }
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<DatasetManifest.Source> sources = new ArrayList<>();
        for (Path p : train.paths()) {
            sources.add(DatasetManifest.Source.of(p, conf));
        }
        for (Path p : test.paths()) {
            sources.add(DatasetManifest.Source.of(p, conf));
        }
        DatasetDescription description = DatasetDescription.images(name, 1, train.rows(), train.cols())
                .withClassNames(classNames)
                .withNumClasses(numClasses)
                .withSources(sources)
                .withCreatedBy(BuildInfo.createdBy("ImagePreparation"));
        LOG.info("preparing {} ({} train + {} test images of {}x{}) into {}", name, train.count(), test.count(),
                train.rows(), train.cols(), outPath);
        return PreparedDataset.write(spark, outPath, description,
                features(train, description.fixedNumClasses()), features(test, description.fixedNumClasses()));
    }

    /** The records of {@code pair} as scaled features, checking labels against {@code numClasses} when known. */
    static Iterator<LabeledFeatures> features(IdxPair pair, Integer numClasses) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return pair.hasNext();
            }

            @Override
            public LabeledFeatures next() {
                LabeledImage image = pair.next();
                if (numClasses != null && image.label() >= numClasses) {
                    throw new BadInputException("IDX file " + pair.labels().source() + " record " + image.index()
                            + ": label " + image.label() + " is not below numClasses " + numClasses);
                }
                byte[] px = image.pixels();
                float[] f = new float[px.length];
                for (int i = 0; i < px.length; i++) {
                    f[i] = SCALE[px[i] & 0xff];
                }
                return new LabeledFeatures(f, image.label());
            }
        };
    }
}
