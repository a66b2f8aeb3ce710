package org.sparktrain.data.idx;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparktrain.data.BadInputException;

import java.io.Closeable;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * An IDX images file and its IDX labels file read together, record by record, as {@link LabeledImage}s.
 *
 * <p>Opening checks that the first file holds images ({@code 0x00000803}), the second labels
 * ({@code 0x00000801}), and that both declare the same number of records; a mismatch is a
 * {@link BadInputException} naming both files and both counts. Errors while streaming (truncation, corruption)
 * name the file and record, see {@link IdxReader}.
 */
public final class IdxPair implements Iterator<LabeledImage>, Closeable {
    private final IdxReader images;
    private final IdxReader labels;
    private final List<Path> paths;

    private IdxPair(IdxReader images, IdxReader labels, List<Path> paths) {
        this.images = images;
        this.labels = labels;
        this.paths = paths;
    }

    /** Opens an images file and a labels file on any Hadoop file system (raw or gzipped). */
    public static IdxPair open(Path imagesFile, Path labelsFile, Configuration conf) {
        IdxReader images = IdxReader.open(imagesFile, conf, IdxType.IMAGES);
        try {
            IdxReader labels = IdxReader.open(labelsFile, conf, IdxType.LABELS);
            return create(images, labels, List.of(imagesFile, labelsFile));
        } catch (RuntimeException e) {
            images.close();
            throw e;
        }
    }

    /** Opens an images file and a labels file given as Hadoop path strings. */
    public static IdxPair open(String imagesFile, String labelsFile, Configuration conf) {
        return open(new Path(imagesFile), new Path(labelsFile), conf);
    }

    /** Pairs two already-open readers (e.g. over streams); they are closed by {@link #close()}. */
    public static IdxPair of(IdxReader images, IdxReader labels) {
        return create(images, labels, List.of());
    }

    private static IdxPair create(IdxReader images, IdxReader labels, List<Path> paths) {
        try {
            if (images.header().type() != IdxType.IMAGES) {
                throw new BadInputException("IDX file " + images.source() + " should hold images: expected magic "
                        + IdxType.IMAGES.describe() + ", found " + images.header().type().describe());
            }
            if (labels.header().type() != IdxType.LABELS) {
                throw new BadInputException("IDX file " + labels.source() + " should hold labels: expected magic "
                        + IdxType.LABELS.describe() + ", found " + labels.header().type().describe());
            }
            if (images.count() != labels.count()) {
                throw new BadInputException("IDX count mismatch: images file " + images.source() + " declares "
                        + images.count() + " records but labels file " + labels.source() + " declares "
                        + labels.count());
            }
            return new IdxPair(images, labels, paths);
        } catch (RuntimeException e) {
            images.close();
            labels.close();
            throw e;
        }
    }

    /** The images reader (its header: count, rows, cols). */
    public IdxReader images() {
        return images;
    }

    /** The labels reader. */
    public IdxReader labels() {
        return labels;
    }

    /** The images file and the labels file when opened from paths; empty for {@link #of} over streams. */
    public List<Path> paths() {
        return paths;
    }

    /** Number of records (equal in both files). */
    public int count() {
        return images.count();
    }

    public int rows() {
        return images.rows();
    }

    public int cols() {
        return images.cols();
    }

    /** 0-based index of the next record. */
    public int position() {
        return images.position();
    }

    @Override
    public boolean hasNext() {
        return images.hasNext();
    }

    @Override
    public LabeledImage next() {
        if (!hasNext()) {
            throw new NoSuchElementException("all " + count() + " records of " + images.source() + " were read");
        }
        int index = images.position();
        byte[] pixels = images.nextImage();
        int label = labels.nextLabel();
        return new LabeledImage(index, pixels, label);
    }

    @Override
    public void close() {
        images.close();
        labels.close();
    }
}
