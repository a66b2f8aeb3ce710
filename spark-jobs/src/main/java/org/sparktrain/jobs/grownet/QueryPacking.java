package org.sparktrain.jobs.grownet;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.sparktrain.engine.Batch;
import scala.Tuple2;
import scala.Tuple3;

import java.util.ArrayList;
import java.util.List;

/**
 * Learning to rank needs every query whole in one mini-batch, because RankNet's g and h are sums over the pairs of
 * a query. The engine draws mini-batches of records, so each query becomes <b>one record</b>: its documents'
 * standardised features, labels and (per stage) scores and penultimate features are packed, in document-id order,
 * into fixed-width arrays padded with zeros to K = the largest query's document count, plus the count n. A batch of
 * B records is then B whole queries; {@link #unpack} drops the padding, so BatchNorm, the losses and the gradients
 * see only real documents.
 *
 * <p>Packed schema: {@code id} (long, query index 0..Q−1 in query-key order), {@code x} (array&lt;float&gt; of
 * K·d), {@code y} (array&lt;float&gt; of K), {@code n} (float). For training, queries that carry no pairwise
 * information (one document, or all labels equal) are dropped, as the reference script does, and the query count is
 * trimmed to a multiple of the worker count (the highest ids go), so every worker has a query at every step.
 */
final class QueryPacking {
    static final String N = "n";

    private QueryPacking() {
    }

    /** Packed queries, K = documents per record, and how many documents they hold. */
    record Packed(Dataset<Row> data, int width, long queries, long documents) {
    }

    /**
     * @param docs rows (id: long, x: array&lt;float&gt; of d, y: float, query: string)
     * @param training drop uninformative queries and trim to a multiple of {@code workers}
     */
    static Packed pack(SparkSession spark, Dataset<Row> docs, int d, boolean training, int workers) {
        JavaPairRDD<String, Tuple3<Long, float[], Float>> byQuery = docs.javaRDD().mapToPair(r -> {
            List<Object> x = r.getList(1);
            float[] v = new float[d];
            for (int j = 0; j < d; j++) {
                v[j] = ((Number) x.get(j)).floatValue();
            }
            return new Tuple2<>(r.getString(3), new Tuple3<>(r.getLong(0), v, r.getFloat(2)));
        });
        JavaRDD<Tuple2<String, List<Tuple3<Long, float[], Float>>>> queries = byQuery.groupByKey().mapValues(it -> {
            List<Tuple3<Long, float[], Float>> list = new ArrayList<>();
            it.forEach(list::add);
            list.sort((a, b) -> Long.compare(a._1(), b._1()));
            return list;
        }).filter(q -> !training || informative(q._2())).sortByKey().map(t -> t);
        queries = queries.persist(StorageLevel.MEMORY_AND_DISK());
        long count = queries.count();
        if (count == 0) {
            queries.unpersist(false);
            throw new IllegalArgumentException(training
                    ? "no training query has two documents with different labels" : "no queries");
        }
        int width = queries.map(q -> q._2().size()).reduce(Math::max);
        long kept = training ? count - count % workers : count;
        if (kept == 0) {
            queries.unpersist(false);
            throw new IllegalArgumentException("only " + count + " informative training queries for " + workers
                    + " workers");
        }
        long documents = queries.zipWithIndex().filter(t -> t._2() < kept).map(t -> (long) t._1()._2().size())
                .reduce(Long::sum);
        JavaRDD<Row> rows = queries.zipWithIndex().filter(t -> t._2() < kept).map(t -> {
            List<Tuple3<Long, float[], Float>> q = t._1()._2();
            Float[] x = new Float[width * d];
            Float[] y = new Float[width];
            java.util.Arrays.fill(x, 0f);
            java.util.Arrays.fill(y, 0f);
            for (int i = 0; i < q.size(); i++) {
                float[] v = q.get(i)._2();
                for (int j = 0; j < d; j++) {
                    x[i * d + j] = v[j];
                }
                y[i] = q.get(i)._3();
            }
            return RowFactory.create(t._2(), x, y, (float) q.size());
        });
        Dataset<Row> packed = spark.createDataFrame(rows, schema()).persist(StorageLevel.MEMORY_AND_DISK());
        packed.count();
        queries.unpersist(false);
        return new Packed(packed, width, kept, documents);
    }

    static StructType schema() {
        return new StructType().add("id", DataTypes.LongType, false)
                .add(StageTrainable.X, DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add(StageTrainable.Y, DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add(N, DataTypes.FloatType, false);
    }

    private static boolean informative(List<Tuple3<Long, float[], Float>> docs) {
        for (Tuple3<Long, float[], Float> t : docs) {
            if (!t._3().equals(docs.get(0)._3())) {
                return true;
            }
        }
        return false;
    }

    /**
     * A batch of packed queries without the padding: the real documents' rows of each requested column, query after
     * query, and the query starts ({@code starts[q]} = first row of query q, last entry = rows).
     */
    record Unpacked(int rows, int[] starts, List<double[]> columns) {
    }

    /**
     * @param widths per-document width of each column (x: d, y and score: 1, phi: H); the packed column holds
     *               K times that
     */
    static Unpacked unpack(Batch batch, int width, String[] columns, int[] widths) {
        float[] n = batch.rows(N);
        int[] starts = new int[n.length + 1];
        for (int q = 0; q < n.length; q++) {
            int docs = (int) n[q];
            if (docs < 0 || docs > width || docs != n[q]) {
                throw new IllegalArgumentException("record " + batch.id(q) + ": bad document count " + n[q]);
            }
            starts[q + 1] = starts[q] + docs;
        }
        int rows = starts[n.length];
        List<double[]> out = new ArrayList<>();
        for (int c = 0; c < columns.length; c++) {
            float[] packed = batch.rows(columns[c]);
            int w = widths[c];
            double[] compact = new double[rows * w];
            for (int q = 0; q < n.length; q++) {
                int from = q * width * w;
                int docs = starts[q + 1] - starts[q];
                for (int i = 0; i < docs * w; i++) {
                    compact[starts[q] * w + i] = packed[from + i];
                }
            }
            out.add(compact);
        }
        return new Unpacked(rows, starts, out);
    }
}
