package org.sparktrain.data.image;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparktrain.data.BadRecords;
import org.sparktrain.data.BuildInfo;
import org.sparktrain.data.DataUnavailableException;
import org.sparktrain.data.DatasetDescription;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.Preparation;
import org.sparktrain.data.PreparedDataset;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Prepares an ImageNet-style image folder ({@link ImageFolderLayout}) as an image-classification dataset: every
 * JPEG/PNG is decoded with {@code javax.imageio}, its shorter side resized to {@code resizeTo} and the centre
 * {@code size x size} cut out ({@link ImageTransform}), RGB or grey-scale, features in [0, 1] in C, H, W order.
 * Ids follow the layout's order (train classes by name, files by name, then test). The manifest's
 * {@code classNames} is the class-index map (class {@code i} is folder {@code classNames[i]}); its settings are
 * in {@code properties}.
 *
 * <p>Files are read and decoded by {@code threads} threads on the driver, in a bounded window, and consumed in
 * order, so the output is the same for any thread count. Unreadable images (no ImageIO reader, corrupt data, read
 * errors) and layout problems follow the {@link BadRecords} policy. Each split is recorded in the manifest's
 * sources as its folder with the total bytes read and a tree digest: the SHA-256 of the lines
 * {@code <relative path>\t<sha256 of the file>\n} of every file read, in id order.
 */
public final class ImageFolderPreparation implements Preparation {
    private static final Logger LOG = LoggerFactory.getLogger(ImageFolderPreparation.class);
    private final Path root;
    private final String name;
    private final ImageTransform transform;
    private final int resizeTo;
    private final int threads;
    private final BadRecords bad;

    /**
     * @param root      the image folder, any Hadoop path
     * @param name      dataset name; null for the folder's name
     * @param size      side of the square images, at least 1
     * @param resizeTo  the shorter side before the centre crop, at least {@code size}
     * @param grayscale one grey channel instead of three
     * @param threads   decoding threads, at least 1
     * @param bad       what to do with bad files
     */
    public ImageFolderPreparation(String root, String name, int size, int resizeTo, boolean grayscale, int threads,
                                  BadRecords bad) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: must be at least 1, got " + threads);
        }
        this.root = new Path(root);
        this.name = name != null ? name : this.root.getName();
        this.transform = new ImageTransform(resizeTo, size, grayscale);
        this.resizeTo = resizeTo;
        this.threads = threads;
        this.bad = bad;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("imageSize", Integer.toString(transform.size()));
        s.put("resizeTo", Integer.toString(resizeTo));
        s.put("color", transform.channels() == 1 ? "grayscale" : "rgb");
        return s;
    }

    /** Checks that the root is a folder; returns no files (an image folder is always prepared again). */
    @Override
    public List<Path> inputs(Configuration conf) {
        try {
            FileSystem fs = root.getFileSystem(conf);
            if (!fs.isDirectory(root)) {
                throw new DataUnavailableException("image folder " + root + " does not exist or is not a directory");
            }
        } catch (IOException e) {
            throw new DataUnavailableException("image folder " + root + " cannot be accessed: " + e.getMessage(), e);
        }
        return List.of();
    }

    @Override
    public DatasetManifest prepare(SparkSession spark, String outPath) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        ImageFolderLayout layout = ImageFolderLayout.scan(root, conf, bad);
        Map<String, String> props = settings();
        props.put("layout", layout.testDir() != null ? "train/ + " + layout.testDir().getName() + "/" : "flat (train only)");
        DatasetDescription description = DatasetDescription.images(name, transform.channels(), transform.size(),
                        transform.size())
                .withClassNames(layout.classNames())
                .withProperties(props)
                .withCreatedBy(BuildInfo.createdBy("ImageFolderPreparation"));
        LOG.info("preparing image folder {} ({} classes, {}) into {} as {}x{}x{} with {} decoding threads", root,
                layout.classNames().size(), props.get("layout"), outPath, transform.channels(), transform.size(),
                transform.size(), threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "sparktrain-image-decode");
            t.setDaemon(true);
            return t;
        });
        try {
            DecodedImages train = new DecodedImages(layout.images(false, bad), conf, transform, pool, 4 * threads, bad);
            DecodedImages test = new DecodedImages(layout.testDir() == null ? List.<ImageFile>of().iterator()
                    : layout.images(true, bad), conf, transform, pool, 4 * threads, bad);
            return PreparedDataset.write(spark, outPath, description, train, test, d -> {
                List<DatasetManifest.Source> sources = new ArrayList<>();
                sources.add(train.source(layout.trainDir(), conf));
                if (layout.testDir() != null) {
                    sources.add(test.source(layout.testDir(), conf));
                }
                return d.withSources(sources).withSkipReport(bad.report());
            });
        } finally {
            pool.shutdownNow();
        }
    }
}
