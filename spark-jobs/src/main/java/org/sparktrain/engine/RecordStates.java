package org.sparktrain.engine;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparktrain.data.BadInputException;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-record algorithm state beside the shards: one float block (shard size x width) per worker, aligned with the
 * shard's records. Saved in checkpoints as Parquet rows (id, state) so it survives a change of executors, and
 * re-aligned with the shards by id on resume.
 */
final class RecordStates {
    static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("state", DataTypes.createArrayType(DataTypes.FloatType, false), false);

    private RecordStates() {
    }

    static JavaRDD<float[]> initial(JavaRDD<Shard> shards, AlgorithmState algorithm) {
        float[] init = algorithm.initialRecordState();
        int width = algorithm.recordStateWidth();
        return shards.map(s -> {
            float[] block = new float[s.size() * width];
            for (int i = 0; i < s.size(); i++) {
                System.arraycopy(init, 0, block, i * width, width);
            }
            return block;
        });
    }

    static void save(SparkSession spark, JavaRDD<Shard> shards, JavaRDD<float[]> states, int width, Path dir) {
        JavaRDD<Row> rows = shards.zip(states).flatMap(t -> {
            Shard s = t._1();
            float[] block = t._2();
            List<Row> out = new ArrayList<>(s.size());
            for (int i = 0; i < s.size(); i++) {
                Float[] v = new Float[width];
                for (int k = 0; k < width; k++) {
                    v[k] = block[i * width + k];
                }
                out.add(RowFactory.create(s.id(i), v));
            }
            return out.iterator();
        });
        spark.createDataFrame(rows, SCHEMA).write().parquet(dir.toString());
    }

    static JavaRDD<float[]> load(SparkSession spark, JavaRDD<Shard> shards, int width, Path dir) {
        Dataset<Row> df = spark.read().parquet(dir.toString());
        JavaPairRDD<Long, float[]> byId = df.javaRDD().mapToPair(r -> {
            List<Float> l = r.getList(1);
            float[] v = new float[l.size()];
            for (int k = 0; k < v.length; k++) {
                v[k] = l.get(k);
            }
            return new Tuple2<>(r.getLong(0), v);
        });
        int workers = shards.getNumPartitions();
        JavaPairRDD<Long, Tuple2<Integer, Integer>> positions = shards.flatMapToPair(s -> {
            List<Tuple2<Long, Tuple2<Integer, Integer>>> out = new ArrayList<>(s.size());
            for (int i = 0; i < s.size(); i++) {
                out.add(new Tuple2<>(s.id(i), new Tuple2<>(s.worker(), i)));
            }
            return out.iterator();
        });
        JavaPairRDD<Integer, Tuple2<Integer, float[]>> placed = positions.leftOuterJoin(byId).mapToPair(t -> {
            if (!t._2()._2().isPresent()) {
                throw new BadInputException(dir + ": no saved state for record " + t._1());
            }
            return new Tuple2<>(t._2()._1()._1(), new Tuple2<>(t._2()._1()._2(), t._2()._2().get()));
        });
        JavaRDD<float[]> blocks = placed.partitionBy(new org.apache.spark.HashPartitioner(workers))
                .mapPartitions(it -> {
                    List<Tuple2<Integer, float[]>> rows = new ArrayList<>();
                    it.forEachRemaining(t -> rows.add(t._2()));
                    float[] block = new float[rows.size() * width];
                    for (Tuple2<Integer, float[]> r : rows) {
                        System.arraycopy(r._2(), 0, block, r._1() * width, width);
                    }
                    return List.of(block).iterator();
                }, true);
        return blocks;
    }
}
