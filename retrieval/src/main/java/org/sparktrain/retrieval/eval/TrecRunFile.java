package org.sparktrain.retrieval.eval;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * TREC run files: one line per retrieved document, {@code qid Q0 docid rank score tag}, white-space separated.
 * Writing is atomic (a temporary file beside the target, then a rename), so a reader never sees half a run. Scores
 * are written with Java's shortest round-trip representation, so a run read back ranks exactly as written.
 */
public final class TrecRunFile {
    private TrecRunFile() {
    }

    /** Writes {@code run} to {@code file}, ranks 1..n in ranking order, with the given tag (no white space). */
    public static void write(Run run, String tag, Path file) throws IOException {
        if (tag == null || tag.isEmpty() || tag.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("run tag must be non-empty without white space, got '" + tag + "'");
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (Map.Entry<String, List<ScoredDoc>> e : run.asMap().entrySet()) {
                    checkToken("query id", e.getKey());
                    int rank = 1;
                    for (ScoredDoc d : e.getValue()) {
                        checkToken("document id", d.docId());
                        w.write(e.getKey() + " Q0 " + d.docId() + " " + rank++ + " " + formatScore(d.score()) + " "
                                + tag);
                        w.newLine();
                    }
                }
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads a run file. Documents are re-ranked by score as trec_eval does (the rank column is checked to be a
     * positive integer but not used). Errors name the file and line.
     */
    public static Run read(Path file) throws IOException {
        Map<String, List<ScoredDoc>> byQuery = new LinkedHashMap<>();
        Map<String, String> firstSeen = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int lineNo = 0;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lineNo++;
                String where = file + ":" + lineNo;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                if (f.length != 6) {
                    throw new IllegalArgumentException(where + ": " + f.length
                            + " columns, a run line is 'qid Q0 docid rank score tag'");
                }
                int rank;
                double score;
                try {
                    rank = Integer.parseInt(f[3]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(where + ": rank '" + f[3] + "' is not an integer");
                }
                try {
                    score = Double.parseDouble(f[4]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(where + ": score '" + f[4] + "' is not a number");
                }
                if (rank < 1) {
                    throw new IllegalArgumentException(where + ": rank must be >= 1, got " + rank);
                }
                if (Double.isNaN(score)) {
                    throw new IllegalArgumentException(where + ": score is NaN");
                }
                String prev = firstSeen.putIfAbsent(f[0] + "\t" + f[2], where);
                if (prev != null) {
                    throw new IllegalArgumentException(where + ": query " + f[0] + " retrieves document " + f[2]
                            + " again (first at " + prev + ")");
                }
                byQuery.computeIfAbsent(f[0], k -> new ArrayList<>()).add(new ScoredDoc(f[2], score));
            }
        }
        return Run.of(byQuery);
    }

    /**
     * Reads a TREC qrels file, {@code qid iteration docid relevance}; negative relevance (e.g. -1) becomes 0.
     * Errors name the file and line.
     */
    public static Qrels readQrels(Path file) throws IOException {
        Map<String, Map<String, Integer>> byQuery = new LinkedHashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int lineNo = 0;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                if (f.length != 4) {
                    throw new IllegalArgumentException(file + ":" + lineNo + ": " + f.length
                            + " columns, a qrels line is 'qid iteration docid relevance'");
                }
                int rel;
                try {
                    rel = Integer.parseInt(f[3]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(file + ":" + lineNo + ": relevance '" + f[3]
                            + "' is not an integer");
                }
                byQuery.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).put(f[2], Math.max(0, rel));
            }
        }
        return Qrels.of(byQuery);
    }

    static String formatScore(double score) {
        return Double.toString(score).toLowerCase(Locale.ROOT);
    }

    private static void checkToken(String what, String value) {
        if (value.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(what + " '" + value + "' contains white space");
        }
    }
}
