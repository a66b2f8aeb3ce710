package org.sparktrain.jobs.biencoder;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparktrain.data.AtomicOutput;
import org.sparktrain.retrieval.eval.Run;
import org.sparktrain.retrieval.eval.TrecRunFile;

import java.io.IOException;
import java.nio.file.Files;

/** Writes a TREC run file to any Hadoop path atomically: locally first ({@link TrecRunFile}), then copy and rename. */
final class TrecRunOutput {
    private TrecRunOutput() {
    }

    static void write(Run run, String tag, String target, Configuration conf) throws IOException {
        java.nio.file.Path local = Files.createTempFile("sparktrain-", ".trec");
        try {
            TrecRunFile.write(run, tag, local);
            try (AtomicOutput out = AtomicOutput.begin(target, conf)) {
                out.fileSystem().copyFromLocalFile(false, true, new Path(local.toUri()), out.tempPath());
                out.commit();
            }
        } finally {
            Files.deleteIfExists(local);
        }
    }
}
