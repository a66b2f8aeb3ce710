package org.sparktrain.data.idx;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparktrain.data.BadInputException;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;
import java.util.zip.GZIPInputStream;

/**
 * Streaming reader of one IDX file (the MNIST / Fashion-MNIST format) from any Hadoop path or an
 * {@link InputStream}. Memory use is one buffer, whatever the file size.
 *
 * <p>Format: a big-endian header, magic {@code 0x00000803} (unsigned-byte images; dimensions count, rows, cols) or
 * {@code 0x00000801} (unsigned-byte labels; dimension count), each dimension a big-endian 32-bit int, followed by
 * the records, row-major. A gzip-compressed file (first bytes {@code 0x1f 0x8b}) is decompressed on the fly, so
 * {@code train-images-idx3-ubyte} and {@code train-images-idx3-ubyte.gz} read alike.
 *
 * <p>Validation, each failure a {@link BadInputException} naming the file: a corrupt magic (expected vs found), an
 * element type other than unsigned byte, a wrong number of dimensions, a non-positive dimension, a truncated or
 * corrupt file (with the 0-based record index where the data ended). After the last record the end of the stream
 * is read, which makes gzip check its CRC; trailing bytes after the declared records are logged as a warning.
 *
 * <p>Not thread-safe. Use {@link #images()} / {@link #labels()} or {@link #readImage(byte[])} /
 * {@link #nextLabel()} to stream the records.
 */
public final class IdxReader implements Closeable {
    /** Largest record accepted (rows x cols bytes): 256 MiB, far above any image data set. */
    public static final long MAX_RECORD_BYTES = 1L << 28;
    private static final Logger LOG = LoggerFactory.getLogger(IdxReader.class);
    private static final int BUFFER = 1 << 16;

    private final String source;
    private final DataInputStream in;
    private final IdxHeader header;
    private int position;
    private boolean endChecked;

    private IdxReader(String source, DataInputStream in, IdxHeader header) {
        this.source = source;
        this.in = in;
        this.header = header;
    }

    /** Opens an IDX file of either kind on any Hadoop file system. */
    public static IdxReader open(Path path, Configuration conf) {
        return open(path, conf, null);
    }

    /**
     * Opens an IDX file that must be of kind {@code expected} (or of either kind when {@code null}); a file of the
     * other kind fails with a message giving the expected and the found magic.
     */
    public static IdxReader open(Path path, Configuration conf, IdxType expected) {
        InputStream raw;
        try {
            FileSystem fs = path.getFileSystem(conf);
            raw = fs.open(path, BUFFER);
        } catch (FileNotFoundException e) {
            throw new BadInputException("IDX file " + path + " does not exist", e);
        } catch (IOException e) {
            throw new BadInputException("IDX file " + path + " cannot be opened: " + e.getMessage(), e);
        }
        return open(raw, path.toString(), expected);
    }

    /** Reads an IDX stream of either kind; {@code source} names it in error messages. */
    public static IdxReader open(InputStream stream, String source) {
        return open(stream, source, null);
    }

    /**
     * Reads an IDX stream; {@code source} names it in error messages. The stream is closed by {@link #close()}, or
     * at once if the header is bad.
     */
    public static IdxReader open(InputStream stream, String source, IdxType expected) {
        try {
            DataInputStream data = new DataInputStream(decompressIfGzip(stream, source));
            try {
                IdxHeader header = IdxHeader.read(data, source, expected);
                return new IdxReader(source, data, header);
            } catch (RuntimeException e) {
                data.close();
                throw e;
            }
        } catch (IOException e) {
            closeQuietly(stream);
            throw new BadInputException("IDX file " + source + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static InputStream decompressIfGzip(InputStream stream, String source) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(stream, BUFFER);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            LOG.debug("{} is gzip-compressed", source);
            return new BufferedInputStream(new GZIPInputStream(buffered, BUFFER), BUFFER);
        }
        return buffered;
    }

    /** The file's kind and dimensions. */
    public IdxHeader header() {
        return header;
    }

    /** The file's name as used in messages (the Hadoop path, or the name given with the stream). */
    public String source() {
        return source;
    }

    /** Number of records declared in the header. */
    public int count() {
        return header.count();
    }

    /** Image height (1 for labels). */
    public int rows() {
        return header.rows();
    }

    /** Image width (1 for labels). */
    public int cols() {
        return header.cols();
    }

    /** Records read so far, which is the 0-based index of the next record. */
    public int position() {
        return position;
    }

    /** Whether another record remains of the {@link #count()} declared. */
    public boolean hasNext() {
        return position < header.count();
    }

    /** Reads the next image into a fresh array of {@code rows * cols} bytes. */
    public byte[] nextImage() {
        byte[] pixels = new byte[header.recordSize()];
        readImage(pixels);
        return pixels;
    }

    /** Reads the next image into {@code into}, which must hold at least {@code rows * cols} bytes. */
    public void readImage(byte[] into) {
        requireNext(IdxType.IMAGES);
        int size = header.recordSize();
        if (into.length < size) {
            throw new IllegalArgumentException("buffer of " + into.length + " bytes is smaller than a record (" + size + ")");
        }
        try {
            in.readFully(into, 0, size);
        } catch (IOException e) {
            throw dataError(e);
        }
        advance();
    }

    /** Reads the next label, 0..255. */
    public int nextLabel() {
        requireNext(IdxType.LABELS);
        int value;
        try {
            value = in.read();
        } catch (IOException e) {
            throw dataError(e);
        }
        if (value < 0) {
            throw dataError(new EOFException());
        }
        advance();
        return value;
    }

    /** The remaining images as an iterator; each {@code next()} returns a fresh array. */
    public Iterator<byte[]> images() {
        requireType(IdxType.IMAGES);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return IdxReader.this.hasNext();
            }

            @Override
            public byte[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("all " + count() + " records of " + source + " were read");
                }
                return nextImage();
            }
        };
    }

    /** The remaining labels as a primitive iterator. */
    public PrimitiveIterator.OfInt labels() {
        requireType(IdxType.LABELS);
        return new PrimitiveIterator.OfInt() {
            @Override
            public boolean hasNext() {
                return IdxReader.this.hasNext();
            }

            @Override
            public int nextInt() {
                if (!hasNext()) {
                    throw new NoSuchElementException("all " + count() + " records of " + source + " were read");
                }
                return nextLabel();
            }
        };
    }

    @Override
    public void close() {
        closeQuietly(in);
    }

    private void requireType(IdxType type) {
        if (header.type() != type) {
            throw new IllegalStateException(source + " holds " + header.type().describe() + ", not " + type.describe());
        }
    }

    private void requireNext(IdxType type) {
        requireType(type);
        if (!hasNext()) {
            throw new NoSuchElementException("all " + count() + " records of " + source + " were read");
        }
    }

    private void advance() {
        position++;
        if (position == header.count()) {
            checkEnd();
        }
    }

    /** Reads past the last record: gzip verifies its CRC there; extra bytes mean the header under-counts. */
    private void checkEnd() {
        if (endChecked) {
            return;
        }
        endChecked = true;
        try {
            long extra = 0;
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                extra += n;
            }
            if (extra > 0) {
                LOG.warn("IDX file {} has {} trailing bytes after the {} records its header declares", source, extra,
                        header.count());
            }
        } catch (IOException e) {
            throw new BadInputException("IDX file " + source + " is corrupt after its last record (record "
                    + (header.count() - 1) + "): " + e.getMessage(), e);
        }
    }

    private BadInputException dataError(IOException e) {
        if (e instanceof EOFException) {
            return new BadInputException("IDX file " + source + " is truncated: data ended in record " + position
                    + " (0-based) of the " + header.count() + " records its header declares", e);
        }
        return new BadInputException("IDX file " + source + " is corrupt at record " + position + " (0-based) of "
                + header.count() + ": " + e.getMessage(), e);
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing useful to do: the data was read or the error is already being reported
        }
    }
}
