package org.sparktrain.cli;

import org.sparktrain.jobs.Job;
import org.sparktrain.jobs.QuickstartJob;
import org.sparktrain.jobs.prepare.PrepareJob;
import org.sparktrain.jobs.classifier.EvaluateJob;
import org.sparktrain.jobs.classifier.TrainClassifierJob;
import org.sparktrain.jobs.contrastive.TrainContrastiveJob;
import org.sparktrain.jobs.grownet.TrainGrowNetJob;
import org.sparktrain.jobs.moe.TrainMoeJob;
import org.sparktrain.jobs.select.SelectJob;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every job the CLI knows, by name. */
public final class JobRegistry {
    private static final Map<String, Job<?>> JOBS = new LinkedHashMap<>();

    static {
        for (Job<?> j : List.<Job<?>>of(new QuickstartJob(), new PrepareJob(), new TrainClassifierJob(),
                new EvaluateJob(), new SelectJob(), new TrainGrowNetJob(), new TrainMoeJob(),
                new TrainContrastiveJob())) {
            JOBS.put(j.name(), j);
        }
        JOBS.put("train-biencoder", new org.sparktrain.jobs.biencoder.TrainBiencoderJob());
        JOBS.put("evaluate-retrieval", new org.sparktrain.jobs.biencoder.EvaluateRetrievalJob());
        JOBS.put("encode", new org.sparktrain.jobs.biencoder.EncodeCorpusJob());
        JOBS.put("search", new org.sparktrain.jobs.biencoder.SearchJob());
    }

    private JobRegistry() {
    }

    public static Map<String, Job<?>> all() {
        return JOBS;
    }

    public static Job<?> get(String name) {
        return JOBS.get(name);
    }
}
