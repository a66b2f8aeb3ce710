package org.sparktrain.data.image;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.BadRecords;
import org.sparktrain.data.Checksums;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.LabeledFeatures;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The images of one split, read, decoded and transformed by a thread pool with at most {@code window} files in
 * flight, handed out in input order as {@link LabeledFeatures}. Files that decode to no image go to the
 * {@link BadRecords} policy ({@link BadRecords#UNREADABLE_IMAGE}) on the consuming thread, so counting and failing
 * are deterministic. Keeps the byte count and the tree digest of the split (see {@link ImageFolderPreparation}).
 */
final class DecodedImages implements Iterator<LabeledFeatures> {
    static {
        ImageIO.setUseCache(false); // decode in memory: no temp files, safe across threads
    }

    private final Iterator<ImageFile> files;
    private final Configuration conf;
    private final ImageTransform transform;
    private final ExecutorService pool;
    private final int window;
    private final BadRecords bad;
    private final ArrayDeque<Future<Decoded>> inFlight = new ArrayDeque<>();
    private final MessageDigest tree = Checksums.sha256();
    private long bytes;
    private LabeledFeatures next;

    DecodedImages(Iterator<ImageFile> files, Configuration conf, ImageTransform transform, ExecutorService pool,
                  int window, BadRecords bad) {
        this.files = files;
        this.conf = conf;
        this.transform = transform;
        this.pool = pool;
        this.window = window;
        this.bad = bad;
    }

    /** One file's outcome: features, or the reason it is unreadable. */
    private record Decoded(ImageFile file, long bytes, String sha256, float[] features, String error) {
    }

    @Override
    public boolean hasNext() {
        while (next == null) {
            while (inFlight.size() < window && files.hasNext()) {
                ImageFile f = files.next();
                inFlight.add(pool.submit(() -> decode(f)));
            }
            if (inFlight.isEmpty()) {
                return false;
            }
            Decoded d = await(inFlight.poll());
            bytes += d.bytes();
            if (d.sha256() != null) {
                tree.update((d.file().relative() + "\t" + d.sha256() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            if (d.error() != null) {
                bad.reject(BadRecords.UNREADABLE_IMAGE, d.file().path().toString(), d.error());
            } else {
                next = new LabeledFeatures(d.features(), d.file().label());
            }
        }
        return true;
    }

    @Override
    public LabeledFeatures next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        LabeledFeatures r = next;
        next = null;
        return r;
    }

    /** The split's manifest entry: its folder, the bytes read and the tree digest; call after the last image. */
    DatasetManifest.Source source(Path dir, Configuration conf) {
        try {
            String path = dir.getFileSystem(conf).makeQualified(dir).toString();
            return new DatasetManifest.Source(path, bytes, HexFormat.of().formatHex(tree.digest()));
        } catch (IOException e) {
            throw new BadInputException("cannot qualify " + dir + ": " + e.getMessage(), e);
        }
    }

    private Decoded decode(ImageFile f) {
        byte[] data;
        try {
            FileSystem fs = f.path().getFileSystem(conf);
            try (FSDataInputStream in = fs.open(f.path())) {
                data = in.readAllBytes();
            }
        } catch (IOException e) {
            return new Decoded(f, 0, null, null, "cannot be read: " + e);
        }
        String sha = HexFormat.of().formatHex(Checksums.sha256().digest(data));
        try {
            BufferedImage image = data.length == 0 ? null : read(data);
            if (image == null) {
                return new Decoded(f, data.length, sha, null, data.length == 0 ? "empty image file"
                        : "no image decoder recognises its " + data.length + " bytes (not a JPEG/PNG, or damaged)");
            }
            return new Decoded(f, data.length, sha, transform.apply(image), null);
        } catch (IOException | RuntimeException e) {
            return new Decoded(f, data.length, sha, null, "cannot be decoded: " + e);
        }
    }

    /**
     * Decodes with the first {@code javax.imageio} reader that recognises the bytes, or returns null when none
     * does. A decoder warning is an error: the JPEG decoder only warns ("Premature end of JPEG file") on a
     * truncated file and fills the missing rows with grey, which must not become a training image.
     */
    static BufferedImage read(byte[] data) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            try {
                reader.setInput(in, true, true);
                BufferedImage image = reader.read(0);
                if (!warnings.isEmpty()) {
                    throw new IIOException(reader.getFormatName() + " decoder warning: " + warnings.get(0));
                }
                return image;
            } finally {
                reader.dispose();
            }
        }
    }

    private static Decoded await(Future<Decoded> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while decoding images", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("image decoding failed", e.getCause());
        }
    }
}
