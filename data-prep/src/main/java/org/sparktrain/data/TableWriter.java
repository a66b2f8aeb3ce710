package org.sparktrain.data;

import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Streams rows of a flat schema (columns of type bigint, int, float or string) from the driver into Parquet files
 * under one directory, in chunks of about {@code chunkBytes} (default {@value #CHUNK_BYTES} bytes) so the driver's
 * memory stays bounded whatever the table size. Used for the text tables of a retrieval dataset (corpus, queries,
 * qrels, triples).
 *
 * <p>Like {@link SplitWriter}, each chunk travels to the executors as plain {@code byte[]} slices (see
 * {@link RowCodec}), one Spark partition per slice, independent of the configured serializer. An empty table still
 * gets a part file that carries the schema.
 */
public final class TableWriter {
    /** Encoded bytes per chunk: 16 MiB. */
    public static final long CHUNK_BYTES = 16L << 20;
    private static final Logger LOG = LoggerFactory.getLogger(TableWriter.class);

    private final SparkSession spark;
    private final StructType schema;
    private final Path dir;
    private final String label;
    private final long chunkBytes;
    private final RowCodec codec;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1 << 16);
    private final DataOutputStream out = new DataOutputStream(buffer);
    private int[] rowStarts = new int[1024];
    private int rowsInChunk;
    private long count;
    private int chunks;

    /** A writer of {@code schema} rows into {@code dir}; {@code label} names the table in logs and job descriptions. */
    public TableWriter(SparkSession spark, StructType schema, Path dir, String label) {
        this(spark, schema, dir, label, CHUNK_BYTES);
    }

    TableWriter(SparkSession spark, StructType schema, Path dir, String label, long chunkBytes) {
        this.spark = spark;
        this.schema = schema;
        this.dir = dir;
        this.label = label;
        this.chunkBytes = Math.max(1, Math.min(chunkBytes, 1L << 30));
        this.codec = new RowCodec(schema);
    }

    /** Appends one row; {@code values} follow the schema (Long, Integer, Float, String; a null only for strings). */
    public void add(Object... values) {
        if (rowsInChunk == rowStarts.length) {
            rowStarts = Arrays.copyOf(rowStarts, rowStarts.length * 2);
        }
        rowStarts[rowsInChunk++] = buffer.size();
        try {
            codec.write(out, values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        count++;
        if (buffer.size() >= chunkBytes) {
            flush();
        }
    }

    /** Rows added so far. */
    public long count() {
        return count;
    }

    /** Writes the rows not yet written; call once after the last {@link #add}. */
    public void finish() {
        if (rowsInChunk > 0 || chunks == 0) {
            flush();
        }
        LOG.info("table {}: wrote {} rows in {} chunks to {}", label, count, chunks, dir);
    }

    private void flush() {
        SparkContext sc = spark.sparkContext();
        String previous = sc.getLocalProperty("spark.job.description");
        try {
            sc.setJobDescription("prepare " + label + ": write chunk " + chunks + " (" + rowsInChunk + " rows)");
            byte[] all = buffer.toByteArray();
            int parts = Math.max(1, Math.min(sc.defaultParallelism(), rowsInChunk));
            List<byte[]> slices = new ArrayList<>(parts);
            for (int p = 0; p < parts; p++) {
                int fromRow = (int) ((long) rowsInChunk * p / parts);
                int toRow = (int) ((long) rowsInChunk * (p + 1) / parts);
                int from = fromRow < rowsInChunk ? rowStarts[fromRow] : all.length;
                int to = toRow < rowsInChunk ? rowStarts[toRow] : all.length;
                slices.add(Arrays.copyOfRange(all, from, to));
            }
            JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(sc).parallelize(slices, slices.size())
                    .flatMap(codec.decoder());
            spark.createDataFrame(rows, schema).write().mode(SaveMode.Append).parquet(dir.toString());
            chunks++;
            buffer.reset();
            rowsInChunk = 0;
        } finally {
            sc.setJobDescription(previous);
        }
    }

    /**
     * Row encoding of a flat schema: per row, per column, a big-endian long / int / float, or a string as an int
     * byte length ({@code -1} for null) followed by its UTF-8 bytes.
     */
    static final class RowCodec implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        static final byte LONG = 0;
        static final byte INT = 1;
        static final byte FLOAT = 2;
        static final byte STRING = 3;
        private final byte[] types;
        private final String[] names;

        RowCodec(StructType schema) {
            types = new byte[schema.fields().length];
            names = schema.fieldNames();
            for (int i = 0; i < types.length; i++) {
                String t = schema.fields()[i].dataType().typeName();
                types[i] = switch (t) {
                    case "long" -> LONG;
                    case "integer" -> INT;
                    case "float" -> FLOAT;
                    case "string" -> STRING;
                    default -> throw new IllegalArgumentException("column " + names[i] + ": type " + t
                            + " is not supported by TableWriter (bigint, int, float, string)");
                };
            }
        }

        void write(DataOutputStream out, Object[] values) throws IOException {
            if (values.length != types.length) {
                throw new IllegalArgumentException(values.length + " values for " + types.length + " columns "
                        + Arrays.toString(names));
            }
            for (int i = 0; i < types.length; i++) {
                Object v = values[i];
                if (v == null && types[i] != STRING) {
                    throw new IllegalArgumentException("column " + names[i] + " must not be null");
                }
                switch (types[i]) {
                    case LONG -> out.writeLong(((Number) v).longValue());
                    case INT -> out.writeInt(((Number) v).intValue());
                    case FLOAT -> out.writeFloat(((Number) v).floatValue());
                    default -> {
                        if (v == null) {
                            out.writeInt(-1);
                        } else {
                            byte[] b = v.toString().getBytes(StandardCharsets.UTF_8);
                            out.writeInt(b.length);
                            out.write(b);
                        }
                    }
                }
            }
        }

        org.apache.spark.api.java.function.FlatMapFunction<byte[], Row> decoder() {
            byte[] t = types;
            return slice -> new java.util.Iterator<Row>() {
                private final java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(slice);

                @Override
                public boolean hasNext() {
                    return buf.hasRemaining();
                }

                @Override
                public Row next() {
                    if (!buf.hasRemaining()) {
                        throw new java.util.NoSuchElementException();
                    }
                    Object[] row = new Object[t.length];
                    for (int i = 0; i < t.length; i++) {
                        row[i] = switch (t[i]) {
                            case LONG -> buf.getLong();
                            case INT -> buf.getInt();
                            case FLOAT -> buf.getFloat();
                            default -> {
                                int n = buf.getInt();
                                if (n < 0) {
                                    yield null;
                                }
                                String s = new String(slice, buf.position(), n, StandardCharsets.UTF_8);
                                buf.position(buf.position() + n);
                                yield s;
                            }
                        };
                    }
                    return org.apache.spark.sql.RowFactory.create(row);
                }
            };
        }
    }
}
