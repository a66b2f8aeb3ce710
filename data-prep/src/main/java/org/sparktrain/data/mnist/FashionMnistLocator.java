package org.sparktrain.data.mnist;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparktrain.data.idx.IdxDatasetFiles;

import java.util.List;

/**
 * Finds Fashion-MNIST (Xiao, Rasul, Vollgraf 2017; MIT licence) as installed by the Debian package
 * {@code dataset-fashion-mnist}: gzipped IDX files {@code {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz} in
 * {@value #DEFAULT_DIR}, 60,000 train and 10,000 test 28x28 images of 10 classes.
 *
 * <p>Where it looks, first match wins: an explicit directory ({@link #locate(String, Configuration)}, any Hadoop
 * path); the system property {@value #DIR_PROPERTY}; the environment variable {@value #DIR_ENV}; {@value #DEFAULT_DIR}.
 * Raw (gunzipped) files are accepted too. If the files are absent the {@link org.sparktrain.data.DataUnavailableException}
 * says how to install them, with or without root.
 */
public final class FashionMnistLocator {
    /** Where {@code dataset-fashion-mnist} installs the files. */
    public static final String DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";
    /** System property naming a directory with the four files (the config key for a non-default location). */
    public static final String DIR_PROPERTY = "sparktrain.data.fashion-mnist.dir";
    /** Environment variable naming a directory with the four files. */
    public static final String DIR_ENV = "SPARKTRAIN_FASHION_MNIST_DIR";
    /** Class names in label order. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    /** The data set name used in manifests. */
    public static final String NAME = "fashion-mnist";
    private static final Logger LOG = LoggerFactory.getLogger(FashionMnistLocator.class);

    private FashionMnistLocator() {
    }

    /** Locates Fashion-MNIST on the local disk: property, environment, then the Debian package's directory. */
    public static IdxDatasetFiles locate() {
        String dir = System.getProperty(DIR_PROPERTY);
        String origin = "system property " + DIR_PROPERTY;
        if (dir == null || dir.isBlank()) {
            dir = System.getenv(DIR_ENV);
            origin = "environment variable " + DIR_ENV;
        }
        if (dir == null || dir.isBlank()) {
            dir = DEFAULT_DIR;
            origin = "the default directory of package dataset-fashion-mnist";
        }
        LOG.info("looking for Fashion-MNIST in {} ({})", dir, origin);
        return locate(new Path(new java.io.File(dir).toURI()), new Configuration(), origin);
    }

    /** Locates Fashion-MNIST in an explicit directory on any Hadoop file system. */
    public static IdxDatasetFiles locate(String dir, Configuration conf) {
        return locate(new Path(dir), conf, "the given directory");
    }

    private static IdxDatasetFiles locate(Path dir, Configuration conf, String origin) {
        return IdxDatasetFiles.inDirectory(NAME, dir, conf, CLASS_NAMES, "Looked in " + origin + ". " + installHint());
    }

    /** How to get the data: install the package, or unpack it without root and point sparktrain at it. */
    public static String installHint() {
        return "Install it with `apt-get install -y dataset-fashion-mnist` (files land in " + DEFAULT_DIR
                + "), or without root: `apt-get download dataset-fashion-mnist && dpkg -x dataset-fashion-mnist_*.deb "
                + "$HOME/fashion-mnist-pkg` and point sparktrain at `$HOME/fashion-mnist-pkg" + DEFAULT_DIR + "` with -D"
                + DIR_PROPERTY + "=<dir> (or the environment variable " + DIR_ENV + "=<dir>).";
    }
}
