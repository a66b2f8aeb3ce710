package org.sparktrain.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;

/**
 * Writes a file or directory on any Hadoop path (file://, hdfs://, s3a://) so that readers see either the previous
 * complete version or the new complete version, never a half-written one.
 *
 * <p>Protocol: the caller writes everything under {@link #tempPath()} (a sibling of the target named
 * {@code .<name>.tmp-<uuid>}); {@link #commit()} then moves an existing target aside, renames the temporary path into
 * place and deletes the old version. Rename of a directory is atomic on HDFS and on local disks; on S3 it is a copy,
 * so a crash during commit can leave the old version under {@code .<name>.old-<uuid>} but never a partial target.
 * {@link #close()} without commit deletes the temporary path (the failure path: no partial output).
 */
public final class AtomicOutput implements AutoCloseable {
    private final FileSystem fs;
    private final Path target;
    private final Path temp;
    private boolean committed;

    private AtomicOutput(FileSystem fs, Path target) {
        this.fs = fs;
        this.target = target;
        String id = UUID.randomUUID().toString().substring(0, 8);
        this.temp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + id);
    }

    /**
     * Starts an atomic write of {@code target}. Fails with a {@link BadInputException} naming the path when its
     * parent cannot be created or written.
     */
    public static AtomicOutput begin(String target, Configuration conf) {
        Path path = new Path(target);
        try {
            FileSystem fs = path.getFileSystem(conf);
            Path qualified = fs.makeQualified(path);
            Path parent = qualified.getParent();
            if (parent == null) {
                throw new BadInputException("output path " + target + " has no parent directory");
            }
            if (fs.exists(parent) && !fs.getFileStatus(parent).isDirectory()) {
                throw new BadInputException("output path " + target + ": parent " + parent + " is a file, not a directory");
            }
            try {
                if (!fs.mkdirs(parent)) {
                    throw new IOException("mkdirs failed");
                }
            } catch (IOException e) {
                throw new BadInputException("output path " + target + " is not writable: cannot create " + parent
                        + " (" + e.getMessage() + ")", e);
            }
            AtomicOutput out = new AtomicOutput(fs, qualified);
            try {
                // probe writability now, before any expensive work
                if (!fs.mkdirs(out.temp)) {
                    throw new IOException("cannot create " + out.temp);
                }
                fs.delete(out.temp, true);
            } catch (IOException e) {
                throw new BadInputException("output path " + target + " is not writable (" + e.getMessage() + ")", e);
            }
            return out;
        } catch (IOException e) {
            throw new BadInputException("output path " + target + " cannot be opened: " + e.getMessage(), e);
        }
    }

    /**
     * Checks, without creating anything that stays, that {@code target} could be written: its nearest existing
     * ancestor must be a directory in which a probe directory can be created (and is removed again).
     */
    public static void checkWritable(String target, Configuration conf) {
        Path path = new Path(target);
        try {
            FileSystem fs = path.getFileSystem(conf);
            Path ancestor = fs.makeQualified(path).getParent();
            while (ancestor != null && !fs.exists(ancestor)) {
                ancestor = ancestor.getParent();
            }
            if (ancestor == null) {
                throw new BadInputException("output path " + target + " has no existing ancestor directory");
            }
            if (!fs.getFileStatus(ancestor).isDirectory()) {
                throw new BadInputException("output path " + target + " is not writable: " + ancestor
                        + " is a file, not a directory");
            }
            Path probe = new Path(ancestor, ".sparktrain-probe-" + UUID.randomUUID().toString().substring(0, 8));
            try {
                if (!fs.mkdirs(probe)) {
                    throw new IOException("cannot create a directory in " + ancestor);
                }
            } finally {
                fs.delete(probe, true);
            }
        } catch (IOException e) {
            throw new BadInputException("output path " + target + " is not writable (" + e.getMessage() + ")", e);
        }
    }

    public FileSystem fileSystem() {
        return fs;
    }

    public Path target() {
        return target;
    }

    /** Where the caller writes; a file or a directory, created by the caller. */
    public Path tempPath() {
        return temp;
    }

    /** Moves the temporary output into place, replacing any previous version. */
    public void commit() {
        try {
            if (!fs.exists(temp)) {
                throw new IllegalStateException("nothing was written to " + temp);
            }
            Path old = null;
            if (fs.exists(target)) {
                old = new Path(target.getParent(), "." + target.getName() + ".old-" + UUID.randomUUID().toString().substring(0, 8));
                if (!fs.rename(target, old)) {
                    throw new IOException("could not move previous " + target + " aside");
                }
            }
            if (!fs.rename(temp, target)) {
                if (old != null) {
                    fs.rename(old, target);
                }
                throw new IOException("could not rename " + temp + " to " + target);
            }
            committed = true;
            if (old != null) {
                fs.delete(old, true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("commit of " + target + " failed", e);
        }
    }

    /** Deletes the temporary output unless {@link #commit()} succeeded. */
    @Override
    public void close() {
        if (!committed) {
            try {
                fs.delete(temp, true);
            } catch (IOException ignored) {
                // best effort: a leftover .tmp-* directory is never read
            }
        }
    }
}
