package org.sparktrain.jobs.moe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.engine.EngineState;
import org.sparktrain.engine.TrainingListener;
import org.sparktrain.engine.TrainingResult;
import org.sparktrain.jobs.MetricsLog;
import org.sparktrain.jobs.RunDirectory;

/**
 * The run plumbing that {@code train-moe}'s classifier ({@link TrainMoeJob}) and language model
 * ({@link MoeLmTraining}) share: the step to resume the metrics log from, validation after every epoch, the
 * {@code summary} record, and the model file with parameters and routing biases.
 */
final class MoeRunOutput {
    /** Reports one epoch's validation (console line, metrics record). */
    interface EpochReport {
        void report(int epoch, EngineState state, MoeEvaluation evaluation);
    }

    /** Evaluates a split with given parameters and routing biases. */
    interface SplitEvaluator {
        MoeEvaluation evaluate(float[] params, float[] bias);
    }

    private MoeRunOutput() {
    }

    /**
     * A listener that evaluates {@code validation} (if not null) at the evaluation point after every epoch, keeps
     * the result in {@code last[0]} and hands it to {@code report}.
     */
    static TrainingListener validateAfterEpoch(SparkSession spark, String runId, Dataset<Row> validation,
                                               SplitEvaluator evaluator, MoeEvaluation[] last, EpochReport report) {
        return new TrainingListener() {
            @Override
            public void onEpochEnd(int epoch, EngineState s) {
                if (validation == null) {
                    return;
                }
                spark.sparkContext().setJobDescription("sparktrain " + runId + ": validate epoch " + (epoch + 1));
                last[0] = evaluator.evaluate(s.evalParams(), s.globalState());
                report.report(epoch, s, last[0]);
            }
        };
    }

    /** The {@code summary} record: steps, time, throughput, strategy, and the last validation if any. */
    static ObjectNode summary(TrainingResult result, BalancingConfig balancing, MoeEvaluation last) {
        ObjectNode summary = MetricsLog.record("summary");
        summary.put("step", result.state().globalStep());
        summary.put("trainSeconds", result.trainSeconds());
        summary.put("samplesPerSecond", result.samplesPerSecond());
        summary.put("balancing", balancing.strategy());
        if (last != null) {
            summary.put("validationAccuracy", last.accuracy());
            summary.put("maxVioGlobal", last.maxVioGlobal());
        }
        return summary;
    }

    /** Adds the parameters (evaluation point) and routing biases to {@code model} and writes it atomically. */
    static void writeModel(RunDirectory run, String file, ObjectNode model, TrainingResult result) {
        ArrayNode params = model.putArray("params");
        for (float p : result.evalParams()) {
            params.add(p);
        }
        ArrayNode bias = model.putArray("bias");
        for (float b : result.state().globalState()) {
            bias.add(b);
        }
        try {
            run.writeText(file, new ObjectMapper().writeValueAsString(model));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + file, e);
        }
    }
}
