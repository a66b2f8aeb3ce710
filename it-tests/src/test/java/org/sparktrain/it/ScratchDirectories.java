package org.sparktrain.it;

import org.apache.hadoop.fs.FileUtil;

import java.nio.file.Path;

/**
 * Deletes the it-tests' scratch directories when a test class ends: a standalone cluster with HDFS leaves 2-4 GB
 * there (worker and executor logs, HDFS blocks, prepared data, runs), and left behind they filled this machine's
 * disk after a few builds (the MiniDFSCluster NameNode then went into safe mode mid-test). Run with
 * {@code -Dsparktrain.it.keepScratch=true} to keep them for a post-mortem. Recursive delete: Hadoop's
 * {@link FileUtil#fullyDelete(java.io.File)} (already on the class path through the MiniDFSCluster).
 */
final class ScratchDirectories {
    static final String KEEP = "sparktrain.it.keepScratch";

    private ScratchDirectories() {
    }

    /** Deletes {@code dir} and everything below it, unless {@value #KEEP} is true; prints what it kept. */
    static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        if (Boolean.getBoolean(KEEP)) {
            System.out.println("kept the scratch directory " + dir + " (-D" + KEEP + "=true)");
            return;
        }
        if (!FileUtil.fullyDelete(dir.toFile())) {
            System.err.println("could not delete all of the scratch directory " + dir);
        }
    }
}
