package org.sparktrain.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of files on any Hadoop path or on the local disk, as lower-case hex (the {@code sha256sum} format). Used to
 * record the sources of a prepared dataset and the files of a download cache.
 */
public final class Checksums {
    private static final int BUFFER = 1 << 16;

    private Checksums() {
    }

    /** A new SHA-256 digest (always available on a JVM). */
    public static MessageDigest sha256() {
        return digest("SHA-256");
    }

    /** A new digest of the given JCA algorithm name; an unknown name is a programming error. */
    public static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("digest " + algorithm + " is not available in this JVM", e);
        }
    }

    /** Hex SHA-256 of everything left in {@code in} (not closed). */
    public static String sha256Hex(InputStream in) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[BUFFER];
        int n;
        while ((n = in.read(buf)) > 0) {
            md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Hex SHA-256 of a local file; a missing or unreadable file is a {@link BadInputException} naming it. */
    public static String sha256Hex(java.nio.file.Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256Hex(in);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + " to checksum it: " + e, e);
        }
    }

    /** Hex SHA-256 of a file on any Hadoop file system; failures name the file. */
    public static String sha256Hex(Path file, Configuration conf) {
        try {
            FileSystem fs = file.getFileSystem(conf);
            try (InputStream in = fs.open(file, BUFFER)) {
                return sha256Hex(in);
            }
        } catch (FileNotFoundException e) {
            throw new BadInputException("cannot checksum " + file + ": it does not exist", e);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + " to checksum it: " + e, e);
        }
    }
}
