package org.sparktrain.data.text;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.DataUnavailableException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Locating the input files of the text preparations on any Hadoop file system. */
final class TextInputs {
    private TextInputs() {
    }

    /** The given files, after checking that each exists; the exception lists every missing one. */
    static List<Path> existing(Configuration conf, Path... files) {
        List<String> missing = new ArrayList<>();
        try {
            for (Path p : files) {
                if (!p.getFileSystem(conf).isFile(p)) {
                    missing.add(p.toString());
                }
            }
        } catch (IOException e) {
            throw new BadInputException("cannot access input files " + List.of(files) + ": " + e.getMessage(), e);
        }
        if (!missing.isEmpty()) {
            throw new DataUnavailableException("input files not found: " + missing);
        }
        return List.of(files);
    }

    /** {@code dir/name}, or {@code dir/name.gz} when only that exists; a missing file names both. */
    static Path plainOrGzip(Configuration conf, Path dir, String name) {
        Path plain = new Path(dir, name);
        Path gz = new Path(dir, name + ".gz");
        try {
            FileSystem fs = plain.getFileSystem(conf);
            if (fs.isFile(plain)) {
                return plain;
            }
            if (fs.isFile(gz)) {
                return gz;
            }
        } catch (IOException e) {
            throw new BadInputException("cannot access " + plain + ": " + e.getMessage(), e);
        }
        throw new DataUnavailableException("input file not found: " + plain + " (or " + gz.getName() + ")");
    }

    /** {@code path} resolved against {@code base} when it is relative and {@code base} is given. */
    static Path resolve(String base, String path) {
        Path p = new Path(path);
        if (base == null || p.isAbsolute() || p.toUri().getScheme() != null) {
            return p;
        }
        return new Path(new Path(base), path);
    }
}
