package org.sparktrain.data.mnist;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a gzipped POSIX ustar archive, like {@code npm pack} produces, independently of commons-compress (whose
 * 1.26 writer needs commons-lang3 3.14 while Spark puts 3.12 on the classpath; the reader does not).
 */
final class TestTarball {
    private TestTarball() {
    }

    /** Entries in order; a name ending in '/' is a directory, any other a regular file with the given bytes. */
    static byte[] tgz(Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                boolean directory = e.getKey().endsWith("/");
                byte[] data = directory ? new byte[0] : e.getValue();
                out.write(header(e.getKey(), data.length, directory));
                out.write(data);
                out.write(new byte[(512 - data.length % 512) % 512]);
            }
            out.write(new byte[1024]); // two zero blocks end the archive
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] header(String name, long size, boolean directory) {
        byte[] h = new byte[512];
        put(h, 0, 100, name);
        put(h, 100, 8, directory ? "0000755" : "0000644");
        put(h, 108, 8, "0001750");
        put(h, 116, 8, "0001750");
        put(h, 124, 12, String.format("%011o", size));
        put(h, 136, 12, String.format("%011o", 1_441_000_000L));
        h[156] = (byte) (directory ? '5' : '0');
        put(h, 257, 6, "ustar");
        put(h, 263, 2, "00");
        for (int i = 148; i < 156; i++) {
            h[i] = ' '; // the checksum is computed with its own field as spaces
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, 7, String.format("%06o", sum));
        return h;
    }

    private static void put(byte[] header, int offset, int length, String value) {
        byte[] b = value.getBytes(StandardCharsets.US_ASCII);
        if (b.length > length) {
            throw new IllegalArgumentException(value + " does not fit in " + length + " bytes");
        }
        System.arraycopy(b, 0, header, offset, b.length);
    }
}
