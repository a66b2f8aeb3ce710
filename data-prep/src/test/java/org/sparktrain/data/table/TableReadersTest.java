package org.sparktrain.data.table;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.data.BadRecords;
import org.sparktrain.data.SourceFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CSV, LibSVM and FANN readers on small files in their exact formats and on the real libfann-doc sets. */
class TableReadersTest {
    @TempDir
    Path dir;

    static SourceFile open(Path p) {
        return SourceFile.open(new org.apache.hadoop.fs.Path(p.toString()), new Configuration());
    }

    SourceFile file(String name, String content) throws IOException {
        return open(Files.writeString(dir.resolve(name), content));
    }

    static List<TableRow> all(TableReader r) {
        List<TableRow> rows = new ArrayList<>();
        try (r) {
            for (TableRow row = r.next(); row != null; row = r.next()) {
                rows.add(row);
            }
        }
        return rows;
    }

    @Test
    void csvWithHeaderQuotingAndChosenColumns() throws IOException {
        CsvTableReader r = new CsvTableReader(file("t.csv", "id,x1,\"x 2\",note,label\n"
                + "1,0.5,-2e-3,\"said \"\"hi\"\", then\nleft\",cat\n\n"
                + "2,+3,.25,plain,dog\r\n"), ',', "label", List.of("x1", "x 2"), BadRecords.failFast());
        assertEquals(List.of("id", "x1", "x 2", "note", "label"), r.header());
        assertEquals(List.of("x1", "x 2"), r.featureNames());
        List<TableRow> rows = all(r);
        assertEquals(2, rows.size());
        assertArrayEquals(new float[] {0.5f, -0.002f}, rows.get(0).features());
        assertEquals("cat", rows.get(0).label());
        assertTrue(rows.get(0).location().endsWith("t.csv:2"), rows.get(0).location()); // where the record starts
        assertArrayEquals(new float[] {3f, 0.25f}, rows.get(1).features());
        assertEquals("dog", rows.get(1).label());
        assertTrue(rows.get(1).location().endsWith("t.csv:5"), rows.get(1).location());

        // default features: every column but the label, in file order; tab delimiter
        List<TableRow> tab = all(new CsvTableReader(file("t.tsv", "a\ty\tb\n1\t7.5\t2\n"), '\t', "y", null,
                BadRecords.failFast()));
        assertArrayEquals(new float[] {1f, 2f}, tab.get(0).features());
        assertEquals("7.5", tab.get(0).label());
    }

    @Test
    void libsvmSparseRowsBecomeDense() throws IOException {
        List<TableRow> rows = all(new LibSvmReader(file("a.svm", "+1 1:0.5 3:-2 # comment\n\n-1 qid:3 2:1e1\n0\n"),
                3, BadRecords.failFast()));
        assertEquals(3, rows.size());
        assertArrayEquals(new float[] {0.5f, 0f, -2f}, rows.get(0).features());
        assertEquals("+1", rows.get(0).label());
        assertArrayEquals(new float[] {0f, 10f, 0f}, rows.get(1).features());
        assertArrayEquals(new float[] {0f, 0f, 0f}, rows.get(2).features());
        LibSvmReader scan = new LibSvmReader(file("b.svm", "1 2:1\n2 7:1 9:3\n"), 0, BadRecords.failFast());
        all(scan);
        assertEquals(9, scan.maxIndex());
        assertEquals(ClassIndex.infer(List.of("1", "-1")).indexOf("+1"), 1); // -1 < 1, "+1" is "1"
        assertEquals(ClassIndex.infer(List.of("1", "-1")).indexOf("-1.0"), 0);
    }

    @Test
    void fannHeaderThenAlternatingInputAndOutputLines() throws IOException {
        FannReader r = new FannReader(file("x.train", "2 3 2\r\n1 2 3 \r\n0 1\r\n\r\n-1 0.5 2\r\n1 0\r\n"),
                BadRecords.failFast());
        assertEquals(2, r.declaredRecords());
        assertEquals(3, r.numFeatures());
        assertEquals(2, r.numOutputs());
        List<TableRow> rows = all(r);
        assertArrayEquals(new float[] {1, 2, 3}, rows.get(0).features());
        assertEquals(1, rows.get(0).classIndex());
        assertNull(rows.get(0).label());
        assertArrayEquals(new float[] {-1, 0.5f, 2}, rows.get(1).features());
        assertEquals(0, rows.get(1).classIndex());
        assertTrue(rows.get(1).location().endsWith("x.train:5"), rows.get(1).location());

        List<TableRow> reg = all(new FannReader(file("r.train", "1 2 1\n0.25 1\n0.125\n"), BadRecords.failFast()));
        assertEquals("0.125", reg.get(0).label());
    }

    @Test
    void realCensusHouseAndMushroomFromLibfannDoc() {
        Path sets = FannDatasets.locate("census-house");
        FannReader census = new FannReader(open(sets.resolve("census-house.train")), BadRecords.failFast());
        assertEquals(16, census.numFeatures());
        List<TableRow> rows = all(census);
        assertEquals(11392, rows.size());
        float[] first = new float[16];
        first[0] = 0.000049f;
        first[1] = 0.000067f;
        assertArrayEquals(first, rows.get(0).features());
        assertEquals("0.029998", rows.get(0).label());
        assertEquals("0.033400", rows.get(11391).label());
        double sum = 0;
        for (TableRow row : rows) {
            sum += Double.parseDouble(row.label());
        }
        assertEquals(1111.690897, sum, 1e-6); // awk over the output lines

        FannReader mushroom = new FannReader(open(FannDatasets.locate("mushroom").resolve("mushroom.test")),
                BadRecords.failFast());
        int[] classes = new int[2];
        for (TableRow row : all(mushroom)) {
            assertEquals(125, row.features().length);
            classes[row.classIndex()]++;
        }
        assertArrayEquals(new int[] {2130, 1932}, classes); // outputs "1 0" and "0 1"
    }
}
