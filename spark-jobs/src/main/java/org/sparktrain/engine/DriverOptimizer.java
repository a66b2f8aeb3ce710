package org.sparktrain.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.data.BadInputException;
import org.sparktrain.engine.optim.FlatOptimizer;
import org.sparktrain.engine.optim.TensorLayout;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The driver's copy of the run's {@link FlatOptimizer}: it never steps, but interprets the optimizer state the
 * workers return. It gives the initial state, checks a resumed state, derives the evaluation point of every
 * committed {@link EngineState} (Schedule-Free's x, DoG's x̄; the parameters for the other rules) and adds two
 * files to each checkpoint:
 * <pre>
 * optimizer.json    type, state layout and size (a resume with another optimizer is refused naming optimizer.type)
 * eval-params.f32   the evaluation point, when it differs from params.f32 (little-endian float32)
 * </pre>
 * The evaluation point is also inside {@code updater.f32}; the extra file lets tools read a checkpoint's model
 * without knowing the optimizer's layout.
 */
final class DriverOptimizer {
    static final String META = "optimizer.json";
    static final String EVAL_PARAMS = "eval-params.f32";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OptimizerConfig config;
    private final FlatOptimizer optimizer;

    DriverOptimizer(OptimizerConfig config, long numParams, TensorLayout layout, long totalSteps) {
        this.config = config;
        this.optimizer = config.create(numParams, layout, totalSteps);
    }

    float[] initialState() {
        return optimizer.state();
    }

    /** The state with its evaluation point filled in. */
    EngineState withEvalParams(EngineState state) {
        if (!optimizer.separateEvalPoint()) {
            return state.withEvalParams(state.params());
        }
        optimizer.setState(state.updaterState());
        INDArray params = Nd4j.createFromArray(state.params());
        INDArray eval = optimizer.evalParams(params);
        return state.withEvalParams(eval == params ? state.params() : eval.reshape(eval.length()).toFloatVector());
    }

    /** Checks that a checkpoint's optimizer state belongs to the configured optimizer; then adds the evaluation point. */
    EngineState resumed(EngineState state, Path checkpoint, Configuration conf) {
        try {
            FileSystem fs = checkpoint.getFileSystem(conf);
            Path meta = new Path(checkpoint, META);
            if (fs.exists(meta)) {
                JsonNode node;
                try (FSDataInputStream in = fs.open(meta)) {
                    node = JSON.readTree(in);
                }
                String saved = node.path("type").asText();
                if (!config.type().equals(saved)) {
                    throw new BadInputException("optimizer.type: cannot resume from " + checkpoint + " with optimizer '"
                            + config.type() + "': it was written by '" + saved + "'; resume with the same optimizer");
                }
            }
        } catch (IOException e) {
            throw new BadInputException("cannot read " + new Path(checkpoint, META) + ": " + e.getMessage(), e);
        }
        if (state.updaterState().length != optimizer.stateSize()) {
            throw new BadInputException("optimizer: cannot resume from " + checkpoint + ": its optimizer state has "
                    + state.updaterState().length + " values but optimizer '" + config.type() + "' needs "
                    + optimizer.stateSize() + " (" + optimizer.stateLayout() + "); resume with the same optimizer settings");
        }
        try {
            optimizer.setState(state.updaterState());
        } catch (IllegalArgumentException e) {
            throw new BadInputException("optimizer: cannot resume from " + checkpoint + ": " + e.getMessage(), e);
        }
        return withEvalParams(state);
    }

    /** Writes {@value #META} and, if the evaluation point differs, {@value #EVAL_PARAMS} into a checkpoint directory. */
    void writeCheckpointFiles(FileSystem fs, Path dir, EngineState state) {
        ObjectNode meta = JSON.createObjectNode();
        meta.put("type", config.type());
        meta.put("stateLayout", optimizer.stateLayout());
        meta.put("stateSize", optimizer.stateSize());
        meta.put("evalParams", optimizer.separateEvalPoint() ? EVAL_PARAMS : "params.f32");
        try {
            try (FSDataOutputStream os = fs.create(new Path(dir, META), true)) {
                os.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
            }
            if (optimizer.separateEvalPoint()) {
                Checkpoints.writeFloats(fs, new Path(dir, EVAL_PARAMS), state.evalParams());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write optimizer files to " + dir, e);
        }
    }

    /**
     * The current global scalars of a state (d, N, k, ...), for logs; empty for rules without any (Adam, SGD). The
     * names are fixed per rule, so those return before restoring the state (a copy of the whole optimizer state).
     */
    java.util.Map<String, Double> scalars(EngineState state) {
        if (optimizer.scalars().isEmpty()) {
            return java.util.Map.of();
        }
        optimizer.setState(state.updaterState());
        return optimizer.scalars();
    }
}
