package org.sparktrain.retrieval.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrecRunFileTest {
    @Test
    void writesTrecLinesAndReadsThemBack(@TempDir Path dir) throws IOException {
        Map<String, List<ScoredDoc>> m = new LinkedHashMap<>();
        m.put("7", List.of(new ScoredDoc("12", 0.25), new ScoredDoc("3", 1.5), new ScoredDoc("9", 1e-7)));
        m.put("1", List.of(new ScoredDoc("4", -2.0)));
        Run run = Run.of(m);
        Path file = dir.resolve("out/run.trec");
        TrecRunFile.write(run, "bm25", file);
        assertEquals(List.of("7 Q0 3 1 1.5 bm25", "7 Q0 12 2 0.25 bm25", "7 Q0 9 3 1.0e-7 bm25", "1 Q0 4 1 -2.0 bm25"),
                Files.readAllLines(file));
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
        assertEquals(run.asMap(), TrecRunFile.read(file).asMap());
    }

    @Test
    void badLinesNameFileAndLine(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.trec");
        Files.writeString(f, "1 Q0 a 1 0.5 t\n1 Q0 b 2 x t\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrecRunFile.read(f));
        assertTrue(e.getMessage().startsWith(f + ":2: score 'x'"), e.getMessage());
        Files.writeString(f, "1 Q0 a 1 0.5\n");
        e = assertThrows(IllegalArgumentException.class, () -> TrecRunFile.read(f));
        assertTrue(e.getMessage().contains(":1: 5 columns"), e.getMessage());
        Files.writeString(f, "1 Q0 a 1 0.5 t\n1 Q0 a 2 0.4 t\n");
        e = assertThrows(IllegalArgumentException.class, () -> TrecRunFile.read(f));
        assertTrue(e.getMessage().contains(":2: query 1 retrieves document a again (first at " + f + ":1)"),
                e.getMessage());
    }

    @Test
    void rejectsTagWithWhiteSpace(@TempDir Path dir) {
        Run run = Run.of(Map.of("1", List.of(new ScoredDoc("a", 1))));
        assertThrows(IllegalArgumentException.class, () -> TrecRunFile.write(run, "my tag", dir.resolve("r")));
    }
}
