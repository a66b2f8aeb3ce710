package org.sparktrain.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/**
 * One input file on any Hadoop file system ({@code file://}, {@code hdfs://}, {@code s3a://}), opened for a single
 * streaming pass: the {@link #stream()} is gunzipped on the fly when the file starts with the gzip magic
 * ({@code 0x1f 0x8b}), and the size and SHA-256 of the raw file are computed while it is read, so
 * {@link #finish()} yields its {@link DatasetManifest.Source} without a second read.
 *
 * <p>Errors name the file: a missing path or a directory is a {@link BadInputException}.
 */
public final class SourceFile implements Closeable {
    private static final int BUFFER = 1 << 16;
    private final Path path;
    private final String qualified;
    private final long length;
    private final DigestingStream raw;
    private final InputStream data;

    private SourceFile(Path path, String qualified, long length, DigestingStream raw, InputStream data) {
        this.path = path;
        this.qualified = qualified;
        this.length = length;
        this.raw = raw;
        this.data = data;
    }

    /** Opens {@code path}; a missing file or a directory fails with a {@link BadInputException} naming it. */
    public static SourceFile open(Path path, Configuration conf) {
        InputStream in = null;
        try {
            FileSystem fs = path.getFileSystem(conf);
            FileStatus status = fs.getFileStatus(path);
            if (status.isDirectory()) {
                throw new BadInputException("input " + path + " is a directory, expected a file");
            }
            in = fs.open(path, BUFFER);
            DigestingStream raw = new DigestingStream(in);
            BufferedInputStream buffered = new BufferedInputStream(raw, BUFFER);
            buffered.mark(2);
            int b0 = buffered.read();
            int b1 = buffered.read();
            buffered.reset();
            InputStream data = b0 == 0x1f && b1 == 0x8b
                    ? new BufferedInputStream(new GZIPInputStream(buffered, BUFFER), BUFFER) : buffered;
            return new SourceFile(path, fs.makeQualified(path).toString(), status.getLen(), raw, data);
        } catch (FileNotFoundException e) {
            throw new BadInputException("input file " + path + " does not exist", e);
        } catch (IOException e) {
            closeQuietly(in);
            throw new BadInputException("input file " + path + " cannot be opened: " + e.getMessage(), e);
        }
    }

    /** The path as given, used in messages. */
    public Path path() {
        return path;
    }

    /** The path as given, as used in error locations ({@code name():line}). */
    public String name() {
        return path.toString();
    }

    /** Size of the raw (possibly compressed) file in bytes. */
    public long length() {
        return length;
    }

    /** The (decompressed) content; read it once, from the start. */
    public InputStream stream() {
        return data;
    }

    /**
     * Reads what the parser left of the raw file (so the checksum covers all of it) and returns the file's
     * manifest entry: qualified path, size, SHA-256 of the raw bytes.
     */
    public DatasetManifest.Source finish() {
        try {
            raw.drain();
        } catch (IOException e) {
            throw new BadInputException("input file " + path + " cannot be read to its end: " + e.getMessage(), e);
        }
        return new DatasetManifest.Source(qualified, raw.count, HexFormat.of().formatHex(raw.digest.digest()));
    }

    @Override
    public void close() {
        closeQuietly(data);
    }

    private static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // the data was read or the error is already being reported
            }
        }
    }

    /** Counts and digests every byte that passes through. */
    private static final class DigestingStream extends FilterInputStream {
        private final MessageDigest digest = Checksums.sha256();
        private long count;

        DigestingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                digest.update((byte) b);
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                digest.update(b, off, n);
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[(int) Math.min(n, BUFFER)];
            int r = read(buf, 0, buf.length);
            return Math.max(r, 0);
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        void drain() throws IOException {
            byte[] buf = new byte[BUFFER];
            while (read(buf, 0, buf.length) >= 0) {
                // digest everything that is left
            }
        }
    }
}
