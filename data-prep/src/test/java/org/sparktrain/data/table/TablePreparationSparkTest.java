package org.sparktrain.data.table;

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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import org.sparktrain.data.BadInputException;
import java.util.Map;

/** CSV, LibSVM and FANN tables prepared end to end, including the real census-house and mushroom sets. */
class TablePreparationSparkTest {
    static SparkSession spark;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("TablePreparationSparkTest");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static String write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content).toString();
    }

    /** "id|label|f1,f2,..." per row of a split, by id. */
    static List<String> rows(String out, String split) {
        return PreparedDataset.readSplit(spark, out, split).orderBy("id").collectAsList().stream()
                .map(r -> r.getLong(0) + "|" + r.get(2) + "|" + r.getList(1).stream().map(Object::toString)
                        .reduce((a, b) -> a + "," + b).orElse("")).toList();
    }

    @Test
    void csvClassificationInfersSortedClasses() throws IOException {
        String train = write("iris.csv", "sepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\n4.9,1.5,setosa\n");
        String test = write("iris-test.csv", "sepal,petal,species\n6.3,6.0,virginica\n");
        String out = dir.resolve("iris").toString();
        DatasetManifest m = new TablePreparation(TableOptions.csv(train, test, null, TableTask.CLASSIFICATION,
                "species", null, ',', null), BadRecords.failFast()).prepare(spark, out);
        assertEquals("iris", m.name());
        assertEquals(DatasetManifest.TABLE_CLASSIFICATION, m.kind());
        assertEquals(List.of(2), m.featureShape());
        assertEquals(List.of("sepal", "petal"), m.featureNames());
        assertEquals(List.of("setosa", "versicolor", "virginica"), m.classNames());
        assertEquals(List.of("0|0|5.1,1.4", "1|1|7.0,4.7", "2|0|4.9,1.5"), rows(out, "train"));
        assertEquals(List.of("3|2|6.3,6.0"), rows(out, "test"));
    }

    @Test
    void libsvmRegressionInfersTheDimension() throws IOException {
        String train = write("r.svm", "1.5 1:2 4:-1\n-0.25 2:3\n");
        String out = dir.resolve("svm").toString();
        DatasetManifest m = new TablePreparation(TableOptions.libsvm(train, null, "svm", TableTask.REGRESSION, 0,
                null), BadRecords.failFast()).prepare(spark, out);
        assertEquals(DatasetManifest.TABLE_REGRESSION, m.kind());
        assertEquals(List.of(4), m.featureShape());
        assertEquals("inferred", m.properties().get("numFeatures")); // the setting; the value is the featureShape
        assertEquals(List.of("0|1.5|2.0,0.0,0.0,-1.0", "1|-0.25|0.0,3.0,0.0,0.0"), rows(out, "train"));
    }

    @Test
    void realCensusHouseIsARegressionTable() {
        Path sets = FannDatasets.locate("census-house");
        String out = dir.resolve("census").toString();
        DatasetManifest m = new TablePreparation(TableOptions.fann(sets.resolve("census-house.train").toString(),
                sets.resolve("census-house.test").toString(), null, null, null), BadRecords.failFast())
                .prepare(spark, out);
        assertEquals("census-house", m.name());
        assertEquals(DatasetManifest.TABLE_REGRESSION, m.kind());
        assertEquals(List.of(16), m.featureShape());
        assertEquals(11392, m.split("train").count());
        assertEquals(11392, m.split("test").count());
        Row train = PreparedDataset.readSplit(spark, out, "train").agg(sum(col("label"))).first();
        Row test = PreparedDataset.readSplit(spark, out, "test").agg(sum(col("label"))).first();
        assertEquals(1111.690897, train.getDouble(0), 1e-3); // awk sums of the output lines (floats here)
        assertEquals(1123.099327, test.getDouble(0), 1e-3);
    }

    @Test
    void realMushroomIsATwoClassTableFromOneHotOutputs() {
        Path sets = FannDatasets.locate("mushroom");
        String out = dir.resolve("mushroom").toString();
        DatasetManifest m = new TablePreparation(TableOptions.fann(sets.resolve("mushroom.train").toString(),
                sets.resolve("mushroom.test").toString(), null, null, List.of("output1", "output2")),
                BadRecords.failFast()).prepare(spark, out);
        assertEquals(DatasetManifest.TABLE_CLASSIFICATION, m.kind());
        assertEquals(List.of(125), m.featureShape());
        assertEquals(List.of("output1", "output2"), m.classNames());
        assertEquals(List.of(2078L, 1984L), m.split("train").classHistogram());
        assertEquals(List.of(2130L, 1932L), m.split("test").classHistogram());
    }

    @Test
    void nonFiniteValuesFailWithoutOutputOrAreSkippedIntoTheManifest() throws IOException {
        String train = write("nan.csv", "a,b,y\n1,2,0.5\n3,nan,1.5\n4,5,inf\n6,7,2.5\n");
        String out = dir.resolve("nan").toString();
        TableOptions options = TableOptions.csv(train, null, null, TableTask.REGRESSION, "y", null, ',', null);
        BadInputException e = assertThrows(BadInputException.class,
                () -> new TablePreparation(options, BadRecords.failFast()).prepare(spark, out));
        assertTrue(e.getMessage().contains("nan.csv:3: column 'b' is nan"), e.getMessage());
        assertFalse(Files.exists(Path.of(out)));

        DatasetManifest m = new TablePreparation(options, new BadRecords(2)).prepare(spark, out);
        assertEquals(Map.of(BadRecords.NON_FINITE, 2L), m.skipReport().byReason());
        assertEquals(List.of("0|0.5|1.0,2.0", "1|2.5|6.0,7.0"), rows(out, "train"));
    }

    @Test
    void emptyTablesFail() throws IOException {
        String svm = write("empty.svm", "# only a comment\n");
        BadInputException e = assertThrows(BadInputException.class, () -> new TablePreparation(TableOptions.libsvm(
                svm, null, null, TableTask.CLASSIFICATION, 0, null), BadRecords.failFast())
                .prepare(spark, dir.resolve("e1").toString()));
        assertTrue(e.getMessage().contains("empty.svm have no usable rows"), e.getMessage());
        String fann = write("zero.train", "0 3 1\n");
        BadInputException e2 = assertThrows(BadInputException.class, () -> new TablePreparation(TableOptions.fann(
                fann, null, null, null, null), BadRecords.failFast()).prepare(spark, dir.resolve("e2").toString()));
        assertTrue(e2.getMessage().contains("has no records"), e2.getMessage());
        assertFalse(Files.exists(dir.resolve("e1")) || Files.exists(dir.resolve("e2")));
    }
}
