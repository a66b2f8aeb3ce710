package org.sparktrain.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what a job wrote on any Hadoop file system: JSON files, metrics.jsonl records, little-endian float32 files,
 * scalar columns of Parquet directories (parquet-hadoop's example Group reader, no Spark session needed).
 */
public final class RunFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunFiles() {
    }

    public static JsonNode json(FileSystem fs, String path) throws IOException {
        try (InputStream in = fs.open(new Path(path))) {
            return JSON.readTree(in);
        }
    }

    /** The records of {@code metrics.jsonl} with {@code "type": type}, in file order. */
    public static List<JsonNode> records(FileSystem fs, String metricsPath, String type) throws IOException {
        String text;
        try (InputStream in = fs.open(new Path(metricsPath))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<JsonNode> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                JsonNode r = JSON.readTree(line);
                if (r.path("type").asText().equals(type)) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    /** The last record of a type; fails naming the file when there is none. */
    public static JsonNode last(FileSystem fs, String metricsPath, String type) throws IOException {
        List<JsonNode> r = records(fs, metricsPath, type);
        if (r.isEmpty()) {
            throw new AssertionError("no '" + type + "' record in " + metricsPath);
        }
        return r.get(r.size() - 1);
    }

    /** A file of little-endian float32 values (the engine's checkpoint format: params.f32, global.f32). */
    public static float[] floats(FileSystem fs, String path) throws IOException {
        byte[] bytes;
        try (InputStream in = fs.open(new Path(path))) {
            bytes = in.readAllBytes();
        }
        float[] out = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /**
     * The numeric scalar columns {@code columns} of every row of the Parquet files in {@code dir} (files named
     * {@code *.parquet}, in name order), each row as doubles in the order of {@code columns}.
     */
    public static List<double[]> parquetColumns(FileSystem fs, String dir, String... columns) throws IOException {
        List<double[]> rows = new ArrayList<>();
        FileStatus[] files = fs.listStatus(new Path(dir), p -> p.getName().endsWith(".parquet"));
        java.util.Arrays.sort(files);
        for (FileStatus f : files) {
            try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), f.getPath())
                    .withConf(fs.getConf()).build()) {
                for (Group g = reader.read(); g != null; g = reader.read()) {
                    double[] row = new double[columns.length];
                    for (int c = 0; c < columns.length; c++) {
                        row[c] = Double.parseDouble(g.getValueToString(g.getType().getFieldIndex(columns[c]), 0));
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }
}
