package org.sparktrain.engine;

import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.sparktrain.data.BadInputException;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * Splits a prepared dataset into {@code workers} shards, one Spark partition each, persisted for the whole run.
 * Records are ranked by their stable {@code id} and record of rank r goes to worker {@code r mod workers}, so shard
 * sizes differ by at most one and the split depends only on the ids. Within a shard records are sorted by id.
 */
public final class ShardBuilder {
    private ShardBuilder() {
    }

    /**
     * @param data    rows with a long {@code id} column and the requested columns
     * @param source  name of the dataset for error messages (e.g. its path)
     */
    public static JavaRDD<Shard> build(Dataset<Row> data, List<ColumnSpec> columns, int workers, String source) {
        List<ColumnSpec> present = validateSchema(data.schema(), columns, source);
        String[] names = present.stream().map(ColumnSpec::name).toArray(String[]::new);
        Dataset<Row> selected = data.selectExpr(concat("id", names));
        JavaPairRDD<Long, Row> byId = selected.javaRDD().mapToPair(r -> {
            if (r.isNullAt(0)) {
                throw new BadInputException(source + ": a record has a null id");
            }
            return new Tuple2<>(r.getLong(0), r);
        });
        JavaPairRDD<Integer, Row> assigned = byId.sortByKey().zipWithIndex()
                .mapToPair(t -> new Tuple2<>((int) (t._2() % workers), t._1()._2()));
        List<ColumnSpec> all = columns;
        JavaRDD<Shard> shards = assigned.partitionBy(new HashPartitioner(workers))
                .mapPartitionsWithIndex((index, rows) -> List.of(toShard(index, rows, all, present, source)).iterator(),
                        true);
        return shards.persist(StorageLevel.MEMORY_AND_DISK());
    }

    private static Shard toShard(int worker, Iterator<Tuple2<Integer, Row>> it, List<ColumnSpec> all,
                                 List<ColumnSpec> present, String source) {
        List<Row> rows = new ArrayList<>();
        it.forEachRemaining(t -> rows.add(t._2()));
        rows.sort(Comparator.comparingLong(r -> r.getLong(0)));
        long[] ids = new long[rows.size()];
        float[][] cols = new float[all.size()][];
        for (int c = 0; c < all.size(); c++) {
            cols[c] = new float[rows.size() * all.get(c).width()];
            if (!present.contains(all.get(c))) {
                Arrays.fill(cols[c], 1f); // absent optional column, e.g. sampling weights: all ones
            }
        }
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            ids[i] = r.getLong(0);
            if (i > 0 && ids[i] == ids[i - 1]) {
                throw new BadInputException(source + ": id " + ids[i] + " occurs more than once; ids must be unique");
            }
            for (int p = 0; p < present.size(); p++) {
                ColumnSpec spec = present.get(p);
                int c = all.indexOf(spec);
                copyValue(r, p + 1, spec, cols[c], i * spec.width(), ids[i], source);
            }
        }
        return new Shard(worker, ids, all, cols);
    }

    private static void copyValue(Row r, int field, ColumnSpec spec, float[] dst, int offset, long id, String source) {
        if (r.isNullAt(field)) {
            throw new BadInputException(source + ": record " + id + " has a null " + spec.name());
        }
        Object v = r.get(field);
        if (v instanceof Number n) {
            dst[offset] = check(n.floatValue(), spec, id, source);
            return;
        }
        List<?> list = r.getList(field);
        if (list.size() != spec.width()) {
            throw new BadInputException(source + ": record " + id + " has " + list.size() + " values in column "
                    + spec.name() + ", expected " + spec.width());
        }
        for (int k = 0; k < list.size(); k++) {
            Object x = list.get(k);
            if (x == null) {
                throw new BadInputException(source + ": record " + id + " has a null in column " + spec.name());
            }
            dst[offset + k] = check(((Number) x).floatValue(), spec, id, source);
        }
    }

    private static float check(float v, ColumnSpec spec, long id, String source) {
        if (!Float.isFinite(v)) {
            throw new BadInputException(source + ": record " + id + " has a non-finite value (" + v + ") in column "
                    + spec.name());
        }
        return v;
    }

    private static List<ColumnSpec> validateSchema(StructType schema, List<ColumnSpec> columns, String source) {
        List<String> names = Arrays.asList(schema.fieldNames());
        if (!names.contains("id") || !(schema.apply("id").dataType() == DataTypes.LongType
                || schema.apply("id").dataType() == DataTypes.IntegerType)) {
            throw new BadInputException(source + ": needs an integer 'id' column, schema is " + schema.simpleString());
        }
        List<ColumnSpec> present = new ArrayList<>();
        for (ColumnSpec c : columns) {
            if (!names.contains(c.name())) {
                if (c.isOptional()) {
                    continue;
                }
                throw new BadInputException(source + ": missing column '" + c.name() + "', schema is "
                        + schema.simpleString());
            }
            StructField f = schema.apply(c.name());
            DataType t = f.dataType();
            boolean ok = t instanceof NumericType ? c.width() == 1
                    : t instanceof ArrayType a && a.elementType() instanceof NumericType;
            if (!ok) {
                throw new BadInputException(source + ": column '" + c.name() + "' has type " + t.simpleString()
                        + ", expected " + (c.width() == 1 ? "a number" : "array<float> of " + c.width()));
            }
            present.add(c);
        }
        return present;
    }

    private static String[] concat(String first, String[] rest) {
        String[] out = new String[rest.length + 1];
        out[0] = "CAST(" + first + " AS BIGINT) AS id";
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }
}
