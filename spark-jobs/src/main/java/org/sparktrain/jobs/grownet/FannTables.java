package org.sparktrain.jobs.grownet;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparktrain.data.BadRecords;
import org.sparktrain.data.SourceFile;
import org.sparktrain.data.table.FannReader;
import org.sparktrain.data.table.TableRow;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a FANN file (data-prep's {@link FannReader}, bad records fail with file and line) into DataFrames of
 * {@code features: array<float>} and {@code label: double}; a one-output file gives the value as label, a
 * one-hot file the class index. Small tables only: the file is parsed on the driver.
 */
final class FannTables {
    private FannTables() {
    }

    /** [rest, held-out] where held-out holds the records with index mod {@code every} == 0 (none if every == 0). */
    static Dataset<Row>[] read(SparkSession spark, String path, int every) {
        List<Row> a = new ArrayList<>();
        List<Row> b = new ArrayList<>();
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        try (FannReader reader = new FannReader(SourceFile.open(new Path(path), conf), BadRecords.failFast())) {
            int i = 0;
            for (TableRow r = reader.next(); r != null; r = reader.next(), i++) {
                double y = r.label() != null ? Double.parseDouble(r.label()) : r.classIndex();
                Float[] x = new Float[r.features().length];
                for (int j = 0; j < x.length; j++) {
                    x[j] = r.features()[j];
                }
                (every > 0 && i % every == 0 ? b : a).add(RowFactory.create((Object) x, y));
            }
        }
        StructType schema = new StructType()
                .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add("label", DataTypes.DoubleType, false);
        @SuppressWarnings("unchecked")
        Dataset<Row>[] out = new Dataset[]{spark.createDataFrame(a, schema).repartition(2),
                spark.createDataFrame(b, schema).repartition(2)};
        return out;
    }
}
