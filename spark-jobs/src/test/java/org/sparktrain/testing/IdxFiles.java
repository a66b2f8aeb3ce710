package org.sparktrain.testing;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Writes small MNIST-style IDX files (the real format) for CLI tests, optionally gzipped or damaged. */
public final class IdxFiles {
    private IdxFiles() {
    }

    /**
     * Writes the four standard files into {@code dir}: images are class-dependent stripes plus noise so a model can
     * learn them; labels cycle through {@code classes}.
     */
    public static void write(Path dir, int train, int test, int side, int classes, long seed) throws IOException {
        Files.createDirectories(dir);
        Random rng = new Random(seed);
        images(dir.resolve("train-images-idx3-ubyte.gz"), train, side, classes, rng, 0x803);
        labels(dir.resolve("train-labels-idx1-ubyte.gz"), train, classes);
        images(dir.resolve("t10k-images-idx3-ubyte.gz"), test, side, classes, rng, 0x803);
        labels(dir.resolve("t10k-labels-idx1-ubyte.gz"), test, classes);
    }

    public static void images(Path file, int n, int side, int classes, Random rng, int magic) throws IOException {
        try (DataOutputStream out = new DataOutputStream(open(file))) {
            out.writeInt(magic);
            out.writeInt(n);
            out.writeInt(side);
            out.writeInt(side);
            for (int i = 0; i < n; i++) {
                int k = i % classes;
                for (int r = 0; r < side; r++) {
                    for (int c = 0; c < side; c++) {
                        int v = (r % classes == k ? 200 : 20) + rng.nextInt(40);
                        out.writeByte(v);
                    }
                }
            }
        }
    }

    public static void labels(Path file, int n, int classes) throws IOException {
        try (DataOutputStream out = new DataOutputStream(open(file))) {
            out.writeInt(0x801);
            out.writeInt(n);
            for (int i = 0; i < n; i++) {
                out.writeByte(i % classes);
            }
        }
    }

    /** Cuts a gzipped file's content to its first {@code keep} bytes. */
    public static void truncate(Path gz, int keep) throws IOException {
        byte[] raw;
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(gz))) {
            raw = in.readAllBytes();
        }
        try (OutputStream out = open(gz)) {
            out.write(raw, 0, keep);
        }
    }

    private static OutputStream open(Path file) throws IOException {
        OutputStream out = Files.newOutputStream(file);
        return file.toString().endsWith(".gz") ? new GZIPOutputStream(out) : out;
    }
}
