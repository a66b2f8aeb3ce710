package org.sparktrain.jobs.biencoder;

import org.sparktrain.data.BadInputException;
import org.sparktrain.jobs.RunDirectory;
import org.sparktrain.retrieval.encoder.TextEncoder;
import org.sparktrain.retrieval.train.DenseNegativeMiner;
import org.sparktrain.retrieval.train.TrainingTriple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Re-mining of hard negatives with the model being trained ({@code data.remineEvery = k > 0}; ANCE, Xiong et al.,
 * ICLR 2021, with exact instead of approximate search). Training of E epochs runs in rounds r = 0, 1, ... of k epochs
 * (the last may be shorter): round r trains epochs [r k, min((r + 1) k, E)). Round 0 trains on the triples of
 * {@code data.triples} ({@code bm25} or {@code model}); round r &ge; 1 on triples mined with the parameters
 * θ_{r k} the previous round ended at (the optimizer's evaluation point): for every training query q the pool is its
 * top {@code bm25Depth} documents by cos(f_θ(q), f_θ(d)) over the whole corpus, judged positives excluded, and
 * {@code negativesPerPositive} negatives per positive are drawn with {@code SplittableRandom(mineSeed)}
 * ({@link DenseNegativeMiner}). The seed is the same in every round, so negatives change only because θ changed.
 * The engine continues each round from the checkpoint of the previous one (parameters <em>and</em> optimizer state;
 * the learning-rate schedule spans all E epochs), on the new triples.
 *
 * <p>Cost per re-mining: one encoding of the corpus and the training queries with the current model on the driver,
 * plus an exact top-(depth + positives) search (|Q| x |D| dot products).
 */
final class Remining {
    /** Directory (in the run directory) of the triples of every round: {@code triples-round-<r>.tsv}. */
    static final String DIR = "remine";

    private Remining() {
    }

    /** The number of rounds of {@code epochs} epochs re-mined every {@code every} (1 without re-mining). */
    static int rounds(int epochs, int every) {
        return every <= 0 ? 1 : (epochs + every - 1) / every;
    }

    /** The epoch after which round {@code round} stops (0 = all epochs, without re-mining). */
    static int stopEpoch(int round, int epochs, int every) {
        return every <= 0 ? 0 : Math.min((round + 1) * every, epochs);
    }

    /** The round in which epoch {@code epoch} (0-based; E for a finished run) is trained. */
    static int roundOfEpoch(int epoch, int epochs, int every) {
        return every <= 0 ? 0 : Math.min(epoch, epochs - 1) / every;
    }

    /**
     * Hard-negative triples of the training queries mined with {@code current} (the model at the end of the
     * previous round): exact search over the corpus, judged positives excluded, as {@code data.triples: model}.
     */
    static List<TrainingTriple> mine(BiencoderTraining.Collection c, BiencoderTraining.Splits splits,
                                     BiencoderDataConfig d, TextEncoder current) {
        return BiencoderTraining.trainingData(c, splits, d.withTriples("model"), Map.of(), current).triples();
    }

    /**
     * How many triples of {@code after} are new: not matched by an equal (query, positive, negative) triple of
     * {@code before} (multiset difference, so a triple drawn twice counts twice).
     */
    static int changed(List<TrainingTriple> before, List<TrainingTriple> after) {
        Map<TrainingTriple, Integer> left = new HashMap<>();
        for (TrainingTriple t : before) {
            left.merge(t, 1, Integer::sum);
        }
        int changed = 0;
        for (TrainingTriple t : after) {
            Integer n = left.get(t);
            if (n == null || n == 0) {
                changed++;
            } else {
                left.put(t, n - 1);
            }
        }
        return changed;
    }

    static String file(int round) {
        return DIR + "/triples-round-" + round + ".tsv";
    }

    /** Writes the triples of a round into the run directory (query, positive, negative ids; tab-separated). */
    static void write(RunDirectory run, int round, List<TrainingTriple> triples) {
        StringBuilder out = new StringBuilder("queryId\tpositiveId\tnegativeId\n");
        for (TrainingTriple t : triples) {
            out.append(t.queryId()).append('\t').append(t.positiveId()).append('\t').append(t.negativeId())
                    .append('\n');
        }
        run.writeText(file(round), out.toString());
    }

    /** Reads the triples of a round written by {@link #write} (a resumed run continues with them). */
    static List<TrainingTriple> read(RunDirectory run, int round) {
        String name = file(round);
        if (!run.exists(name)) {
            throw new BadInputException("cannot resume re-mining round " + round + ": " + run.file(name)
                    + " is missing (data.remineEvery)");
        }
        List<TrainingTriple> out = new ArrayList<>();
        String[] lines = run.readText(name).split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split("\t");
            if (f.length != 3) {
                throw new BadInputException(run.file(name) + " line " + (i + 1) + ": expected 3 tab-separated ids");
            }
            out.add(new TrainingTriple(f[0], f[1], f[2]));
        }
        return out;
    }
}
