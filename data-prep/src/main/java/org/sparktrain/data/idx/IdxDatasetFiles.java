package org.sparktrain.data.idx;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.DataUnavailableException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The four files of an MNIST-style data set (train/test images and labels, raw or gzipped IDX) on any Hadoop file
 * system, with the data set's name and optional class names. Produced by the MNIST and Fashion-MNIST locators,
 * consumed by {@link ImagePreparation}.
 *
 * @param name        data set name, e.g. {@code mnist}
 * @param trainImages IDX images file of the train split
 * @param trainLabels IDX labels file of the train split
 * @param testImages  IDX images file of the test split
 * @param testLabels  IDX labels file of the test split
 * @param classNames  class names in label order, or {@code null}
 */
public record IdxDatasetFiles(String name, Path trainImages, Path trainLabels, Path testImages, Path testLabels,
                              List<String> classNames) {
    /** The standard file names, in the order train images, train labels, test images, test labels. */
    public static final List<String> STANDARD_NAMES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    public IdxDatasetFiles {
        if (name == null || trainImages == null || trainLabels == null || testImages == null || testLabels == null) {
            throw new IllegalArgumentException("name and all four files are required");
        }
        classNames = classNames == null ? null : List.copyOf(classNames);
    }

    /** Opens the train images and labels together. */
    public IdxPair openTrain(Configuration conf) {
        return IdxPair.open(trainImages, trainLabels, conf);
    }

    /** Opens the test images and labels together. */
    public IdxPair openTest(Configuration conf) {
        return IdxPair.open(testImages, testLabels, conf);
    }

    /** The four files in the order of {@link #STANDARD_NAMES}. */
    public List<Path> files() {
        return List.of(trainImages, trainLabels, testImages, testLabels);
    }

    /**
     * Finds the four {@link #STANDARD_NAMES standard files} in {@code dir}, each either raw or with a {@code .gz}
     * suffix (raw preferred). A missing directory or file is a {@link DataUnavailableException} naming the
     * directory and the missing files, followed by {@code hint} (how to get the data).
     */
    public static IdxDatasetFiles inDirectory(String name, Path dir, Configuration conf, List<String> classNames,
                                              String hint) {
        try {
            FileSystem fs = dir.getFileSystem(conf);
            if (!fs.exists(dir) || !fs.getFileStatus(dir).isDirectory()) {
                throw new DataUnavailableException(name + " not found: directory " + dir + " does not exist (or is not a "
                        + "directory). " + hint);
            }
            List<Path> found = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String base : STANDARD_NAMES) {
                Path raw = new Path(dir, base);
                Path gz = new Path(dir, base + ".gz");
                if (fs.isFile(raw)) {
                    found.add(raw);
                } else if (fs.isFile(gz)) {
                    found.add(gz);
                } else {
                    missing.add(base + "[.gz]");
                }
            }
            if (!missing.isEmpty()) {
                throw new DataUnavailableException(name + " not found: directory " + dir + " lacks " + missing + ". " + hint);
            }
            return new IdxDatasetFiles(name, found.get(0), found.get(1), found.get(2), found.get(3), classNames);
        } catch (IOException e) {
            throw new BadInputException("cannot list " + name + " directory " + dir + ": " + e.getMessage(), e);
        }
    }
}
