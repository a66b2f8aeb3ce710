package org.sparktrain.data.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes CIFAR binary batch files in the exact format of {@code cifar-10-binary.tar.gz} / {@code
 * cifar-100-binary.tar.gz}: per record the label byte(s), then 1,024 red, 1,024 green, 1,024 blue bytes. Pixel
 * {@code i} of record {@code r} of a file with seed {@code s} is {@link #pixel}{@code (s, r, i)}, so tests can compute
 * every expected value independently of the reader.
 */
final class CifarFiles {
    private CifarFiles() {
    }

    /** The pixel byte at position {@code i} (0..3071) of record {@code r}, as an unsigned value 0..255. */
    static int pixel(int seed, int r, int i) {
        return (seed * 101 + r * 31 + i * 7 + (i >> 10) * 13) & 0xff;
    }

    /** One CIFAR-10 record: label byte, then pixels. */
    static byte[] record10(int seed, int r, int label) {
        byte[] b = new byte[1 + 3072];
        b[0] = (byte) label;
        for (int i = 0; i < 3072; i++) {
            b[1 + i] = (byte) pixel(seed, r, i);
        }
        return b;
    }

    /** One CIFAR-100 record: coarse label byte, fine label byte, then pixels. */
    static byte[] record100(int seed, int r, int coarse, int fine) {
        byte[] b = new byte[2 + 3072];
        b[0] = (byte) coarse;
        b[1] = (byte) fine;
        for (int i = 0; i < 3072; i++) {
            b[2 + i] = (byte) pixel(seed, r, i);
        }
        return b;
    }

    /** A CIFAR-10 batch whose record {@code r} has label {@code labels[r]}. */
    static byte[] batch10(int seed, int... labels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int r = 0; r < labels.length; r++) {
            out.writeBytes(record10(seed, r, labels[r]));
        }
        return out.toByteArray();
    }

    /** A CIFAR-100 batch; record {@code r} has coarse label {@code coarse[r]} and fine label {@code fine[r]}. */
    static byte[] batch100(int seed, int[] coarse, int[] fine) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int r = 0; r < fine.length; r++) {
            out.writeBytes(record100(seed, r, coarse[r], fine[r]));
        }
        return out.toByteArray();
    }

    static Path write(Path file, byte[] data) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * A complete {@code cifar-10-batches-bin} folder under {@code parent}: train batch {@code b} (1..5) holds 2
     * records with labels {@code (2b + r) % 10} and seed {@code b}, {@code test_batch.bin} (gzipped) 3 records with
     * labels 9, 0, 5 and seed 6, plus {@code batches.meta.txt}.
     */
    static Path cifar10Folder(Path parent) {
        Path root = parent.resolve("cifar-10-batches-bin");
        for (int b = 1; b <= 5; b++) {
            write(root.resolve("data_batch_" + b + ".bin"), batch10(b, (2 * b) % 10, (2 * b + 1) % 10));
        }
        write(root.resolve("test_batch.bin.gz"), gzip(batch10(6, 9, 0, 5)));
        write(root.resolve("batches.meta.txt"), String.join("\n", NAMES10).concat("\n\n").getBytes());
        return root;
    }

    static final String[] NAMES10 = {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
            "truck"};
}
