package org.sparktrain.data.idx;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files in the exact MNIST format for tests (raw or gzipped, valid or deliberately broken). */
public final class IdxTestFiles {
    private IdxTestFiles() {
    }

    /** {@code count} random images; pixel 0 of image 0 is 0 and pixel 1 is 255 so both extremes occur. */
    public static byte[][] randomImages(Random random, int count, int rows, int cols) {
        byte[][] images = new byte[count][rows * cols];
        for (byte[] image : images) {
            random.nextBytes(image);
        }
        images[0][0] = 0;
        images[0][1] = (byte) 255;
        return images;
    }

    /** Labels {@code 0..numClasses-1} drawn at random. */
    public static int[] randomLabels(Random random, int count, int numClasses) {
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = random.nextInt(numClasses);
        }
        return labels;
    }

    /** The bytes of an images file: magic 0x00000803, count, rows, cols, then the pixels. */
    public static byte[] imagesBytes(byte[][] images, int rows, int cols) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(0x00000803);
            out.writeInt(images.length);
            out.writeInt(rows);
            out.writeInt(cols);
            for (byte[] image : images) {
                out.write(image);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The bytes of a labels file: magic 0x00000801, count, then one byte per label. */
    public static byte[] labelsBytes(int[] labels) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(0x00000801);
            out.writeInt(labels.length);
            for (int label : labels) {
                out.write(label);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A header of arbitrary ints (magic and dimensions) followed by {@code payload}. */
    public static byte[] withHeader(byte[] payload, int... ints) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (int v : ints) {
                out.writeInt(v);
            }
            out.write(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Gzip-compresses {@code data}. */
    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Writes {@code data} to {@code file}, returning the file. */
    public static Path write(Path file, byte[] data) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Hadoop path of a local file. */
    public static org.apache.hadoop.fs.Path hadoop(Path file) {
        return new org.apache.hadoop.fs.Path(file.toUri());
    }
}
