package org.sparktrain.jobs.biencoder;

import org.sparktrain.data.BadInputException;
import org.sparktrain.retrieval.encoder.MiniLmFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads a file of the all-MiniLM-L6-v2 artifact ({@link MiniLmFiles#ONNX}, {@link MiniLmFiles#TOKENIZER}) from the
 * class path (location null), from the artifact's jar, or from a directory holding the extracted files.
 */
final class MiniLmArtifact {
    private MiniLmArtifact() {
    }

    static byte[] read(String location, String resource) {
        try {
            if (location == null) {
                try (InputStream in = MiniLmFiles.open(resource)) {
                    return in.readAllBytes();
                }
            }
            Path p = Path.of(location);
            if (Files.isDirectory(p)) {
                Path f = p.resolve(resource);
                if (!Files.exists(f)) {
                    throw new BadInputException("minilm: " + f + " does not exist");
                }
                return Files.readAllBytes(f);
            }
            if (!Files.exists(p)) {
                throw new BadInputException("minilm: " + p + " does not exist (a jar or a directory is expected)");
            }
            try (ZipFile jar = new ZipFile(p.toFile())) {
                ZipEntry e = jar.getEntry(resource);
                if (e == null) {
                    throw new BadInputException("minilm: " + p + " has no entry " + resource);
                }
                try (InputStream in = jar.getInputStream(e)) {
                    return in.readAllBytes();
                }
            }
        } catch (IOException e) {
            throw new BadInputException("minilm: cannot read " + resource + " from "
                    + (location == null ? "the class path" : location) + ": " + e.getMessage(), e);
        }
    }
}
