package org.sparktrain.jobs.grownet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparktrain.data.AtomicOutput;
import org.sparktrain.data.BadInputException;
import org.sparktrain.zoo.grownet.GrowNetModel;
import org.sparktrain.zoo.grownet.GrowNetTask;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A fitted GrowNet as Spark users expect it: {@link #transform} appends {@code predictionCol} (F for regression,
 * P(y = 1) = σ(F) for binary) to any DataFrame holding the features column (an ML Vector or an array of numbers);
 * {@link #save}/{@link #load} use any Hadoop path and write atomically (temporary directory, then rename). The saved
 * {@code grownet.bin} loads in a plain JVM without Spark via {@link GrowNetModel#read}.
 *
 * <p>Directory layout: {@code grownet.bin} (the model, {@link GrowNetModel#write} format) and {@code model.json}
 * (columns, task, stages, training history).
 */
public final class GrowNetSparkModel {
    public static final String MODEL_FILE = "grownet.bin";
    public static final String META_FILE = "model.json";
    private static final int BLOCK = 1024;

    private final GrowNetModel model;
    private final String featuresCol;
    private final String predictionCol;
    private final ObjectNode summary;

    public GrowNetSparkModel(GrowNetModel model, String featuresCol, String predictionCol, ObjectNode summary) {
        this.model = model;
        this.featuresCol = featuresCol;
        this.predictionCol = predictionCol;
        this.summary = summary == null ? new ObjectMapper().createObjectNode() : summary;
    }

    /** The plain-JVM model. */
    public GrowNetModel model() {
        return model;
    }

    /** Training summary: per-stage validation metric, best stage, seconds. */
    public ObjectNode summary() {
        return summary;
    }

    public String predictionCol() {
        return predictionCol;
    }

    /** Appends the prediction column (double) to {@code data}. */
    public Dataset<Row> transform(Dataset<Row> data) {
        StructType in = data.schema();
        if (!java.util.Arrays.asList(in.fieldNames()).contains(featuresCol)) {
            throw new IllegalArgumentException("transform: no features column '" + featuresCol + "' in "
                    + in.simpleString());
        }
        int field = in.fieldIndex(featuresCol);
        int d = model.inputs();
        boolean binary = model.task() == GrowNetTask.BINARY;
        String column = featuresCol;
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
        Broadcast<byte[]> bytes = jsc.broadcast(EnsembleColumns.bytes(model));
        JavaRDD<Row> rows = data.javaRDD().mapPartitions(it -> {
            GrowNetModel m = EnsembleColumns.read(bytes.value());
            List<Row> out = new ArrayList<>();
            List<Row> block = new ArrayList<>(BLOCK);
            while (it.hasNext()) {
                block.add(it.next());
                if (block.size() == BLOCK || !it.hasNext()) {
                    float[] x = new float[block.size() * d];
                    for (int i = 0; i < block.size(); i++) {
                        FeatureRows.copy(block.get(i), field, column, x, i * d, d);
                    }
                    double[] f = m.scores(x, block.size());
                    for (int i = 0; i < block.size(); i++) {
                        Row r = block.get(i);
                        Object[] values = new Object[r.length() + 1];
                        for (int c = 0; c < r.length(); c++) {
                            values[c] = r.get(c);
                        }
                        values[r.length()] = binary ? 1 / (1 + Math.exp(-f[i])) : f[i];
                        out.add(RowFactory.create(values));
                    }
                    block.clear();
                }
            }
            return out.iterator();
        });
        return data.sparkSession().createDataFrame(rows, in.add(predictionCol, DataTypes.DoubleType, false));
    }

    /** Saves atomically to a directory on any Hadoop file system (replacing an existing one). */
    public void save(String path, Configuration conf) {
        try (AtomicOutput out = AtomicOutput.begin(path, conf)) {
            FileSystem fs = out.fileSystem();
            fs.mkdirs(out.tempPath());
            try (FSDataOutputStream s = fs.create(new Path(out.tempPath(), MODEL_FILE))) {
                model.write(s);
            }
            ObjectNode meta = new ObjectMapper().createObjectNode();
            meta.put("format", "sparktrain-grownet-1");
            meta.put("task", model.task().name().toLowerCase(java.util.Locale.ROOT));
            meta.put("inputs", model.inputs());
            meta.put("hidden", model.hidden());
            meta.put("learners", model.numLearners());
            meta.put("boostRate", model.boostRate());
            meta.put("featuresCol", featuresCol);
            meta.put("predictionCol", predictionCol);
            meta.set("summary", summary);
            meta.put("citation", "S. Badirli et al., Gradient Boosting Neural Networks: GrowNet, arXiv:2002.07971, 2020");
            try (FSDataOutputStream s = fs.create(new Path(out.tempPath(), META_FILE))) {
                s.write(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(meta)
                        .getBytes(StandardCharsets.UTF_8));
            }
            out.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the GrowNet model to " + path, e);
        }
    }

    /** Loads a model saved by {@link #save}. */
    public static GrowNetSparkModel load(String path, Configuration conf) {
        Path dir = new Path(path);
        try {
            FileSystem fs = dir.getFileSystem(conf);
            Path bin = new Path(dir, MODEL_FILE);
            Path json = new Path(dir, META_FILE);
            if (!fs.exists(bin) || !fs.exists(json)) {
                throw new BadInputException(path + ": not a saved GrowNet model (needs " + MODEL_FILE + " and "
                        + META_FILE + ")");
            }
            ObjectNode meta;
            try (FSDataInputStream s = fs.open(json)) {
                meta = (ObjectNode) new ObjectMapper().readTree(s);
            }
            GrowNetModel m;
            try (FSDataInputStream s = fs.open(bin)) {
                m = GrowNetModel.read(s, bin.toString());
            }
            return new GrowNetSparkModel(m, meta.path("featuresCol").asText("features"),
                    meta.path("predictionCol").asText("prediction"), (ObjectNode) meta.get("summary"));
        } catch (IOException e) {
            throw new BadInputException(path + ": cannot read the GrowNet model (" + e.getMessage() + ")", e);
        }
    }
}
