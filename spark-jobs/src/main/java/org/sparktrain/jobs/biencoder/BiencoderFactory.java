package org.sparktrain.jobs.biencoder;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparktrain.data.BadInputException;
import org.sparktrain.engine.Trainable;
import org.sparktrain.engine.TrainableFactory;
import org.sparktrain.retrieval.encoder.PooledEncoder;
import org.sparktrain.retrieval.encoder.TokenEmbeddingTable;

import java.io.IOException;
import java.io.InputStream;

/**
 * Builds {@link BiencoderTrainable}s on the driver and on every executor. Only the path of the frozen token table
 * (written by the job into the run directory, readable through Hadoop from every executor) is serialised; the
 * table itself is read once per JVM and shared by the replicas of that JVM (it is never modified).
 *
 * @param tablePath Hadoop path of a {@link TokenEmbeddingTable#write} file
 * @param loss      the training loss
 * @param padId     the tokenizer's [PAD] id, which ends a sequence in the id columns
 */
public record BiencoderFactory(String tablePath, BiencoderLossConfig loss, int padId) implements TrainableFactory {
    private static String cachedPath;
    private static TokenEmbeddingTable cachedTable;

    @Override
    public Trainable create() {
        return new BiencoderTrainable(new PooledEncoder(table(tablePath)), loss, padId);
    }

    @Override
    public String cacheKey() {
        return "pooled-biencoder:" + tablePath + ":" + loss + ":" + padId;
    }

    /** The table at {@code path}, read once per JVM (the last path read is kept). */
    static synchronized TokenEmbeddingTable table(String path) {
        if (!path.equals(cachedPath)) {
            Path p = new Path(path);
            try (InputStream in = p.getFileSystem(new Configuration()).open(p)) {
                cachedTable = TokenEmbeddingTable.read(in, path);
                cachedPath = path;
            } catch (IOException e) {
                throw new BadInputException("cannot read the token embedding table " + path + ": " + e.getMessage(), e);
            }
        }
        return cachedTable;
    }

    /** Writes a table to a Hadoop path (used by the job for the run directory). */
    static void writeTable(TokenEmbeddingTable table, String path, Configuration conf) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(conf);
        Path tmp = new Path(p.getParent(), "." + p.getName() + ".tmp");
        try (var out = fs.create(tmp, true)) {
            table.write(out);
        }
        if (fs.exists(p)) {
            fs.delete(p, false);
        }
        if (!fs.rename(tmp, p)) {
            throw new IOException("cannot rename " + tmp + " to " + p);
        }
    }
}
