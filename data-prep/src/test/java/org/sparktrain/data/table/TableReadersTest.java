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
import static org.junit.jupiter.api.Assertions.assertThrows;
import org.sparktrain.data.BadInputException;
import java.util.Map;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CSV, LibSVM and FANN readers on small files in their exact formats and on the real libfann-doc sets. */
class TableReadersTest {
    @TempDir
    Path dir;

    static SourceFile open(Path p) {
        return SourceFile.open(new org.apache.hadoop.fs.Path(p.toString()), new Configuration());
    }

    SourceFile file(String name, String content) {
        try {
            return open(Files.writeString(dir.resolve(name), content));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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

    static String failure(java.util.function.Supplier<TableReader> reader) {
        return assertThrows(BadInputException.class, () -> all(reader.get())).getMessage();
    }

    @Test
    void nanAndInfinityInFeaturesOrLabelsAreNonFinite() throws IOException {
        String csv = "x,y,label\n1,2,a\n1,NaN,b\n-inf,2,a\n1e39,2,b\n3,4,nan\n5,,a\n6,seven,b\n7,8,c\n";
        Files.writeString(dir.resolve("n.csv"), csv);
        String m = failure(() -> new CsvTableReader(open(dir.resolve("n.csv")), ',', "label", null,
                BadRecords.failFast()));
        assertTrue(m.contains("n.csv:3: column 'y' is NaN"), m);
        BadRecords tolerant = BadRecords.skipAll();
        List<TableRow> kept = all(new CsvTableReader(open(dir.resolve("n.csv")), ',', "label", null, tolerant));
        assertEquals(List.of("a", "c"), kept.stream().map(TableRow::label).toList());
        // NaN, -inf, 1e39 (beyond float), a "nan" label; an empty field; a word
        assertEquals(Map.of(BadRecords.NON_FINITE, 4L, BadRecords.MISSING_VALUE, 1L, BadRecords.MALFORMED_LINE, 1L),
                tolerant.report().byReason());

        String fann = failure(() -> new FannReader(file("f.train", "2 2 1\n1 2\n0.5\n1 Infinity\n0.5\n"),
                BadRecords.failFast()));
        assertTrue(fann.contains("f.train:4: input 2 is Infinity"), fann);
        String svm = failure(() -> new LibSvmReader(file("s.svm", "1 1:2\nnan 1:1\n"), 2, BadRecords.failFast()));
        assertTrue(svm.contains("s.svm:2: label is nan"), svm);
    }

    @Test
    void fannRecordCountsMustMatchTheHeader() throws IOException {
        String shortFile = failure(() -> new FannReader(file("short.train", "3 1 1\n1\n0\n2\n1\n"),
                BadRecords.failFast()));
        assertTrue(shortFile.contains("short.train:5: file ends after 2 of the 3 records its header declares"),
                shortFile);
        String cut = failure(() -> new FannReader(file("cut.train", "2 1 1\n1\n0\n2\n"), BadRecords.failFast()));
        assertTrue(cut.contains("cut.train:4: record 2 has no output line"), cut);
        BadRecords tolerant = BadRecords.skipAll();
        List<TableRow> kept = all(new FannReader(file("long.train", "1 1 1\n1\n0\n2\n1\n"), tolerant));
        assertEquals(1, kept.size());
        assertEquals(1, tolerant.report().count(BadRecords.MALFORMED_LINE)); // record 2 beyond the declared 1
        String tie = failure(() -> new FannReader(file("tie.train", "1 1 2\n1\n1 1\n"), BadRecords.failFast()));
        assertTrue(tie.contains("tie.train:3: outputs have no unique largest value"), tie);
        String header = assertThrows(BadInputException.class, () -> new FannReader(file("h.train", "10 5\n"),
                BadRecords.failFast())).getMessage();
        assertTrue(header.contains("h.train:1: FANN header must be '<records> <inputs> <outputs>'"), header);
    }

    @Test
    void libsvmIndicesMustBePositiveIncreasingAndInRange() throws IOException {
        BadRecords tolerant = BadRecords.skipAll();
        List<TableRow> kept = all(new LibSvmReader(file("i.svm", "1 1:1 2:2\n1 0:1\n1 2:1 1:1\n1 3:1\n1 x\n"),
                2, tolerant));
        assertEquals(1, kept.size());
        assertEquals(4, tolerant.report().count(BadRecords.MALFORMED_LINE));
        assertEquals(List.of("index 0 is not positive", "index 1 after 2", "index 3 is above numFeatures 2",
                "token 'x' is not index:value"), tolerant.report().examples().stream().map(x -> x.message()
                .replace("feature ", "").replaceAll(" \\(.*", "")).toList());
    }

    @Test
    void emptyTablesAreBadInput() throws IOException {
        String csv = assertThrows(BadInputException.class, () -> new CsvTableReader(file("e.csv", "\n"), ',', "y",
                null, BadRecords.failFast())).getMessage();
        assertTrue(csv.contains("e.csv is empty: expected a header line"), csv);
        String fann = assertThrows(BadInputException.class, () -> new FannReader(file("e.train", ""),
                BadRecords.failFast())).getMessage();
        assertTrue(fann.contains("e.train is empty"), fann);
        String label = assertThrows(BadInputException.class, () -> new CsvTableReader(file("l.csv", "a,b\n1,2\n"),
                ',', "y", null, BadRecords.failFast())).getMessage();
        assertTrue(label.contains("labelColumn: column 'y' is not in the header of"), label);
    }
}
