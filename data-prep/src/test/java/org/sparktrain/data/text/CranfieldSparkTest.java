package org.sparktrain.data.text;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.data.BadRecords;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.LocalSpark;
import org.sparktrain.data.PreparedDataset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real Cranfield collection ({@code ../shared/data/cranfield}) prepared end to end: 1,400 documents, 225
 * queries and all 1,837 judgment lines of {@code cranqrel} (its last line has no line end, so {@code wc -l} and the
 * data README say 1,836), with spot checks of texts, the query renumbering and the grade mapping.
 */
class CranfieldSparkTest {
    private static SparkSession spark;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("CranfieldSparkTest");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static Path cranfield() {
        String shared = System.getProperty("sparktrain.shared.dir", "../../shared");
        Path p = Path.of(shared, "data", "cranfield");
        assumeTrue(Files.isRegularFile(p.resolve("cranqrel")), "Cranfield collection not found at " + p);
        return p;
    }

    @Test
    void preparesTheWholeCollectionWithRenumberedQueriesAndMappedGrades() {
        String out = dir.resolve("cranfield").toString();
        DatasetManifest m = new CranfieldPreparation(cranfield().toString(), null, BadRecords.failFast())
                .prepare(spark, out);
        assertEquals(DatasetManifest.TEXT_RETRIEVAL, m.kind());
        assertEquals(Map.of("corpus", 1400L, "queries", 225L, "qrels", 1837L), m.tables());
        assertEquals(0, m.skipped());
        assertNull(m.featureShape());
        assertEquals(3, m.sources().size());
        assertEquals(m, PreparedDataset.readManifest(out, spark.sparkContext().hadoopConfiguration()));

        Map<String, Row> docs = byKey(RetrievalDataset.readTable(spark, out, "corpus").collectAsList(), "docId");
        assertEquals(1400, docs.size());
        Row d1 = docs.get("1");
        assertEquals(0L, d1.getLong(0));
        assertEquals("experimental investigation of the aerodynamics of a wing in a slipstream .", d1.getAs("title"));
        assertTrue(d1.<String>getAs("text").startsWith("experimental investigation of the aerodynamics of a wing in a "
                + "slipstream . an experimental study of a wing in a propeller slipstream was made"), d1.<String>getAs("text"));
        assertEquals("", docs.get("471").getAs("text"));
        assertEquals("", docs.get("995").getAs("text"));
        assertEquals(1399L, docs.get("1400").<Long>getAs("id"));
        // document 240's stray '.A' / '.B' lines stay in its abstract
        assertTrue(docs.get("240").<String>getAs("text").contains("injected into the separated region . application to "
                + "turbulent separations is made for a prandtl number of unity in low-speed flow"));

        Map<String, Row> queries = byKey(RetrievalDataset.readTable(spark, out, "queries").collectAsList(), "queryId");
        assertEquals(225, queries.size());
        assertEquals("what similarity laws must be obeyed when constructing aeroelastic models of heated high speed "
                + "aircraft .", queries.get("1").getAs("text"));
        // query 3 is .I 004 in cran.qry
        assertEquals("what problems of heat conduction in composite slabs have been solved so far .",
                queries.get("3").getAs("text"));

        List<Row> qrels = RetrievalDataset.readTable(spark, out, "qrels").collectAsList();
        assertEquals(1837, qrels.size());
        Map<String, Integer> rel = new HashMap<>();
        int[] byRelevance = new int[5];
        for (Row r : qrels) {
            rel.put(r.getAs("queryId") + "/" + r.getAs("docId"), r.getAs("relevance"));
            byRelevance[r.<Integer>getAs("relevance")]++;
        }
        assertEquals(3, rel.get("1/184"));   // grade 2
        assertEquals(2, rel.get("1/12"));    // grade 3
        assertEquals(1, rel.get("1/13"));    // grade 4
        assertEquals(0, rel.get("1/486"));   // grade -1
        assertEquals(0, rel.get("225/1188")); // the last line, without a line end
        // grades -1, 4, 3, 2, 1 -> relevance 0..4: 225, 363, 734, 387, 128
        assertEquals(List.of(225, 363, 734, 387, 128), List.of(byRelevance[0], byRelevance[1], byRelevance[2],
                byRelevance[3], byRelevance[4]));
    }

    private static Map<String, Row> byKey(List<Row> rows, String key) {
        Map<String, Row> m = new HashMap<>();
        for (Row r : rows) {
            m.put(r.getAs(key), r);
        }
        return m;
    }
}
