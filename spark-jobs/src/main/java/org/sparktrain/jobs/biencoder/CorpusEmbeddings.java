package org.sparktrain.jobs.biencoder;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparktrain.data.AtomicOutput;
import org.sparktrain.data.BadInputException;
import scala.Tuple2;

import java.util.List;

/**
 * The corpus embeddings written by {@code encode} and read by {@code search}: a Parquet directory (Spark SQL) with
 * columns {@code docId string, embedding array<float>}, one row per document. Written to a temporary path and
 * renamed ({@link AtomicOutput}), so a failed job leaves no partial directory.
 */
public final class CorpusEmbeddings {
    static final StructType SCHEMA = new StructType(new StructField[]{
            DataTypes.createStructField("docId", DataTypes.StringType, false),
            DataTypes.createStructField("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), false)});

    private CorpusEmbeddings() {
    }

    public static void write(SparkSession spark, JavaRDD<Tuple2<String, float[]>> embeddings, String dir) {
        JavaRDD<Row> rows = embeddings.map(t -> {
            Float[] v = new Float[t._2().length];
            for (int k = 0; k < v.length; k++) {
                v[k] = t._2()[k];
            }
            return RowFactory.create(t._1(), v);
        });
        try (AtomicOutput out = AtomicOutput.begin(dir, spark.sparkContext().hadoopConfiguration())) {
            spark.createDataFrame(rows, SCHEMA).write().parquet(out.tempPath().toString());
            out.commit();
        }
    }

    /** Reads {@code dir}; every row must have an id and an embedding of the same, non-zero dimension. */
    public static JavaRDD<Tuple2<String, float[]>> read(SparkSession spark, String dir) {
        org.apache.spark.sql.Dataset<Row> df;
        try {
            df = spark.read().parquet(new Path(dir).toString());
        } catch (Exception e) {
            throw new BadInputException("embeddings: cannot read " + dir + " as Parquet: " + e.getMessage(), e);
        }
        for (String col : List.of("docId", "embedding")) {
            if (!List.of(df.columns()).contains(col)) {
                throw new BadInputException("embeddings: " + dir + " has no column " + col + " (columns: "
                        + String.join(", ", df.columns()) + "); write it with sparktrain encode");
            }
        }
        return df.select("docId", "embedding").javaRDD().map(r -> {
            if (r.isNullAt(0) || r.isNullAt(1)) {
                throw new BadInputException("embeddings: " + dir + " has a row without docId or embedding");
            }
            List<Float> l = r.getList(1);
            float[] v = new float[l.size()];
            for (int k = 0; k < v.length; k++) {
                v[k] = l.get(k);
            }
            return new Tuple2<>(r.getString(0), v);
        });
    }
}
