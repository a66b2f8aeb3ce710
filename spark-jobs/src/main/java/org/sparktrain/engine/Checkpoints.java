package org.sparktrain.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparktrain.data.AtomicOutput;
import org.sparktrain.data.BadInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Checkpoints of one run under {@code <run>/checkpoints/step-<globalStep>/}, each written atomically
 * ({@link AtomicOutput}: temporary directory, then rename), so a directory named {@code step-*} is always complete.
 *
 * <pre>
 * state.json      position (globalStep, epoch, stepInEpoch), sizes, engine settings that must not change on resume
 * params.f32      flat parameters, little-endian float32
 * updater.f32     flat updater state (e.g. Adam m, v)
 * global.f32      replicated algorithm state (e.g. MoE biases)
 * record-state/   Parquet (id: long, state: array&lt;float&gt;) when the algorithm keeps per-record state
 * </pre>
 */
public final class Checkpoints {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final Configuration conf;

    public Checkpoints(String runDir, Configuration conf) {
        this.dir = new Path(runDir, "checkpoints");
        this.conf = conf;
    }

    /** Identity of the data order: resuming with different values would replay different batches. */
    public record Layout(int workers, int batchSize, long seed, long numParams) {
    }

    /**
     * Writes a checkpoint; {@code extra} may add files (e.g. the record-state Parquet) to the temporary directory.
     */
    public Path write(EngineState state, Layout layout, Consumer<Path> extra) {
        Path target = new Path(dir, name(state.globalStep()));
        try (AtomicOutput out = AtomicOutput.begin(target.toString(), conf)) {
            FileSystem fs = out.fileSystem();
            Path tmp = out.tempPath();
            fs.mkdirs(tmp);
            ObjectNode meta = JSON.createObjectNode();
            meta.put("format", "sparktrain-checkpoint/1");
            meta.put("globalStep", state.globalStep());
            meta.put("epoch", state.epoch());
            meta.put("stepInEpoch", state.stepInEpoch());
            meta.put("workers", layout.workers());
            meta.put("batchSize", layout.batchSize());
            meta.put("seed", layout.seed());
            meta.put("numParams", layout.numParams());
            writeFloats(fs, new Path(tmp, "params.f32"), state.params());
            writeFloats(fs, new Path(tmp, "updater.f32"), state.updaterState());
            writeFloats(fs, new Path(tmp, "global.f32"), state.globalState());
            extra.accept(tmp);
            try (FSDataOutputStream os = fs.create(new Path(tmp, "state.json"), true)) {
                os.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
            }
            out.commit();
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target, e);
        }
    }

    /** The newest complete checkpoint, if any. */
    public Optional<Path> latest() {
        List<Path> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The global step of the newest complete checkpoint, or -1 when there is none. */
    public long latestStep() {
        return latest().map(p -> Long.parseLong(p.getName().substring("step-".length()))).orElse(-1L);
    }

    /** Complete checkpoints, oldest first. */
    public List<Path> list() {
        try {
            FileSystem fs = dir.getFileSystem(conf);
            if (!fs.exists(dir)) {
                return List.of();
            }
            List<Path> out = new ArrayList<>();
            for (FileStatus s : fs.listStatus(dir)) {
                if (s.isDirectory() && s.getPath().getName().matches("step-\\d+")
                        && fs.exists(new Path(s.getPath(), "state.json"))) {
                    out.add(s.getPath());
                }
            }
            out.sort((a, b) -> a.getName().compareTo(b.getName()));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list checkpoints in " + dir, e);
        }
    }

    /** Deletes all but the newest {@code keep} checkpoints. */
    public void prune(int keep) {
        List<Path> all = list();
        try {
            FileSystem fs = dir.getFileSystem(conf);
            for (int i = 0; i < all.size() - keep; i++) {
                fs.delete(all.get(i), true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prune checkpoints in " + dir, e);
        }
    }

    /** Deletes every checkpoint (a fresh run reusing a run id). */
    public void clear() {
        try {
            FileSystem fs = dir.getFileSystem(conf);
            if (fs.exists(dir)) {
                fs.delete(dir, true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    /** Reads a checkpoint and checks it fits the current run's layout. */
    public EngineState read(Path checkpoint, Layout expected) {
        try {
            FileSystem fs = checkpoint.getFileSystem(conf);
            ObjectNode meta;
            try (FSDataInputStream in = fs.open(new Path(checkpoint, "state.json"))) {
                meta = (ObjectNode) JSON.readTree(in);
            }
            Layout found = new Layout(meta.get("workers").asInt(), meta.get("batchSize").asInt(),
                    meta.get("seed").asLong(), meta.get("numParams").asLong());
            if (!found.equals(expected)) {
                throw new BadInputException("cannot resume from " + checkpoint + ": it was written with " + found
                        + " but the current config gives " + expected
                        + "; resume with the same engine.workers, engine.batchSize, engine.seed and model");
            }
            return new EngineState(meta.get("globalStep").asLong(), meta.get("epoch").asInt(),
                    meta.get("stepInEpoch").asInt(), readFloats(fs, new Path(checkpoint, "params.f32")),
                    readFloats(fs, new Path(checkpoint, "updater.f32")),
                    readFloats(fs, new Path(checkpoint, "global.f32")));
        } catch (IOException e) {
            throw new BadInputException("cannot read checkpoint " + checkpoint + ": " + e.getMessage(), e);
        }
    }

    static String name(long step) {
        return String.format("step-%09d", step);
    }

    static void writeFloats(FileSystem fs, Path path, float[] values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        try (FSDataOutputStream os = fs.create(path, true)) {
            os.write(b.array());
        }
    }

    static float[] readFloats(FileSystem fs, Path path) throws IOException {
        long len = fs.getFileStatus(path).getLen();
        if (len % 4 != 0) {
            throw new BadInputException(path + ": length " + len + " is not a whole number of float32 values");
        }
        byte[] bytes = new byte[(int) len];
        try (FSDataInputStream in = fs.open(path)) {
            in.readFully(bytes);
        }
        float[] out = new float[(int) (len / 4)];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    @Override
    public String toString() {
        return dir + " " + Arrays.toString(list().toArray());
    }
}
