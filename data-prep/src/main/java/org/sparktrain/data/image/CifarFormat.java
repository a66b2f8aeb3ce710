package org.sparktrain.data.image;

import java.util.List;

/**
 * The binary versions of CIFAR-10 and CIFAR-100 (Krizhevsky 2009, "Learning Multiple Layers of Features from Tiny
 * Images"), as unpacked from {@code cifar-10-binary.tar.gz} / {@code cifar-100-binary.tar.gz}.
 *
 * <p>Every record is {@link #labelBytes()} label bytes followed by {@value #IMAGE_BYTES} pixel bytes: the 1,024
 * red, then 1,024 green, then 1,024 blue values of a 32x32 image, each plane row-major; that is exactly the
 * C, H, W order of a prepared image dataset. CIFAR-10: 1 label byte (0..9), files {@code data_batch_1.bin} ..
 * {@code data_batch_5.bin} (10,000 records each) and {@code test_batch.bin}, class names in
 * {@code batches.meta.txt}. CIFAR-100: a coarse (0..19) then a fine (0..99) label byte, files {@code train.bin}
 * (50,000) and {@code test.bin} (10,000), names in {@code coarse_label_names.txt} and
 * {@code fine_label_names.txt}.
 */
public enum CifarFormat {
    CIFAR10("cifar10", "cifar-10-batches-bin", 1, 10, 0,
            List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"),
            List.of("test_batch.bin"), "batches.meta.txt", null),
    CIFAR100("cifar100", "cifar-100-binary", 2, 100, 20, List.of("train.bin"), List.of("test.bin"),
            "fine_label_names.txt", "coarse_label_names.txt");

    /** Pixel bytes per record: 3 x 32 x 32. */
    public static final int IMAGE_BYTES = 3 * 32 * 32;
    /** Image side. */
    public static final int SIDE = 32;

    private final String id;
    private final String folder;
    private final int labelBytes;
    private final int numClasses;
    private final int numCoarseClasses;
    private final List<String> trainFiles;
    private final List<String> testFiles;
    private final String namesFile;
    private final String coarseNamesFile;

    CifarFormat(String id, String folder, int labelBytes, int numClasses, int numCoarseClasses, List<String> trainFiles,
                List<String> testFiles, String namesFile, String coarseNamesFile) {
        this.id = id;
        this.folder = folder;
        this.labelBytes = labelBytes;
        this.numClasses = numClasses;
        this.numCoarseClasses = numCoarseClasses;
        this.trainFiles = trainFiles;
        this.testFiles = testFiles;
        this.namesFile = namesFile;
        this.coarseNamesFile = coarseNamesFile;
    }

    /** {@code cifar10} or {@code cifar100}: the dataset name and the {@code source} of {@code sparktrain prepare}. */
    public String id() {
        return id;
    }

    /** The folder the official archive unpacks to. */
    public String folder() {
        return folder;
    }

    /** Label bytes before the pixels of each record. */
    public int labelBytes() {
        return labelBytes;
    }

    /** Bytes per record. */
    public int recordBytes() {
        return labelBytes + IMAGE_BYTES;
    }

    /** Number of (fine) classes. */
    public int numClasses() {
        return numClasses;
    }

    /** Number of coarse classes (CIFAR-100), 0 for CIFAR-10. */
    public int numCoarseClasses() {
        return numCoarseClasses;
    }

    public List<String> trainFiles() {
        return trainFiles;
    }

    public List<String> testFiles() {
        return testFiles;
    }

    /** The file with one (fine) class name per line. */
    public String namesFile() {
        return namesFile;
    }

    /** The file with the coarse class names (CIFAR-100), else null. */
    public String coarseNamesFile() {
        return coarseNamesFile;
    }
}
