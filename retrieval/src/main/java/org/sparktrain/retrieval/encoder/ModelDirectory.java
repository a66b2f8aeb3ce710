package org.sparktrain.retrieval.encoder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Properties;

/**
 * The directory of a saved encoder: {@value #PROPERTIES} names its {@code type} (the encoder that reads it,
 * {@link SavedEncoder}) and its settings; the other files belong to that type. Written atomically: everything goes to
 * a temporary sibling directory, which then replaces {@code dir} by a rename (a reader never sees half a model, and a
 * failed save leaves the previous model in place).
 */
final class ModelDirectory {
    static final String PROPERTIES = "encoder.properties";

    /** Writes the files of a model into a (temporary) directory. */
    @FunctionalInterface
    interface Contents {
        void writeTo(Path dir) throws IOException;
    }

    private ModelDirectory() {
    }

    /** Writes {@code properties} and {@code contents} into {@code dir} atomically; replaces an existing directory. */
    static void write(Path dir, Properties properties, String comment, Contents contents) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + ".tmp-");
        try {
            try (OutputStream out = Files.newOutputStream(tmp.resolve(PROPERTIES))) {
                properties.store(out, comment);
            }
            contents.writeTo(tmp);
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
        if (Files.exists(dir)) {
            Path old = Files.createTempDirectory(parent, "." + dir.getFileName() + ".old-");
            Files.delete(old);
            Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(old);
        } else {
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** The properties of a saved model; an error naming the file when it is missing or of another type. */
    static Properties read(Path dir, String expectedType) throws IOException {
        Properties p = read(dir);
        if (!expectedType.equals(p.getProperty("type"))) {
            throw new IOException(dir.resolve(PROPERTIES) + ": type is '" + p.getProperty("type") + "', expected '"
                    + expectedType + "'");
        }
        return p;
    }

    /** The properties of a saved model of any type. */
    static Properties read(Path dir) throws IOException {
        Path props = dir.resolve(PROPERTIES);
        if (!Files.exists(props)) {
            throw new IOException(props + " is missing: " + dir + " is not a saved sparktrain encoder");
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(props)) {
            p.load(in);
        }
        return p;
    }

    static int intProperty(Properties p, String key, Path dir) throws IOException {
        String v = p.getProperty(key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IOException(String.format(Locale.ROOT, "%s: property %s is '%s', expected an integer",
                    dir.resolve(PROPERTIES), key, v));
        }
    }

    /** Reads a file of the model; an error naming it when it is missing. */
    static byte[] file(Path dir, String name) throws IOException {
        Path f = dir.resolve(name);
        if (!Files.exists(f)) {
            throw new IOException(f + " is missing: the saved model " + dir + " is incomplete");
        }
        return Files.readAllBytes(f);
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path q : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
