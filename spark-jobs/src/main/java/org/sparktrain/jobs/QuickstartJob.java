package org.sparktrain.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.sparktrain.jobs.classifier.EvaluateConfig;
import org.sparktrain.jobs.classifier.EvaluateJob;
import org.sparktrain.jobs.classifier.TrainClassifierJob;
import org.sparktrain.jobs.prepare.PrepareJob;

import java.io.IOException;
import java.util.Locale;

/**
 * {@code sparktrain quickstart}: the README's first command. Fetches and prepares the data (skipped when already
 * prepared from the same files), trains the classifier with the distributed engine, evaluates it on the test split
 * and prints the accuracy and where the report is.
 */
public final class QuickstartJob implements Job<QuickstartConfig> {
    @Override
    public String name() {
        return "quickstart";
    }

    @Override
    public String description() {
        return "fetch + prepare MNIST, train LeNet-5 on 2 workers, evaluate, write the report";
    }

    @Override
    public Class<QuickstartConfig> configType() {
        return QuickstartConfig.class;
    }

    @Override
    public String runIdKey() {
        return "train.runId";
    }

    @Override
    public String sparkKey() {
        return "train.spark";
    }

    @Override
    public void run(QuickstartConfig cfg, JobContext ctx) throws IOException {
        long t0 = System.nanoTime();
        ctx.spark(cfg.train().spark());
        new PrepareJob().prepare(cfg.prepare(), ctx);
        new TrainClassifierJob().run(cfg.train(), ctx);
        RunDirectory run = new RunDirectory(cfg.train().output(), cfg.train().runId(), ctx.hadoopConf());
        new EvaluateJob().run(new EvaluateConfig(run.path(), cfg.train().data().dataset(), cfg.evaluateSplit(),
                cfg.train().spark()), ctx);
        JsonNode eval = new ObjectMapper().readTree(run.readText("eval.json"));
        ctx.console().printf(Locale.ROOT, "%n[quickstart] done in %.1f min: %s accuracy %.2f%% on %d images%n"
                        + "[quickstart] report: %s%n[quickstart] model:  %s%n",
                (System.nanoTime() - t0) / 6e10, cfg.evaluateSplit(), 100 * eval.get("accuracy").asDouble(),
                eval.get("count").asLong(), run.file("report.html"), run.modelDir());
    }
}
