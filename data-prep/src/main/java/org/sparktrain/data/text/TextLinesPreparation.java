package org.sparktrain.data.text;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.data.BadRecords;
import org.sparktrain.data.BuildInfo;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.Preparation;
import org.sparktrain.data.SourceFile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prepares a plain corpus, one document per line ({@link TextLinesReader}) or JSON lines with a text field
 * ({@link JsonlReader#documents}), as a {@value DatasetManifest#TEXT_CORPUS} dataset: a {@code corpus} table only,
 * for self-supervised training pairs (the training job forms the pairs). With format {@code auto} a file named
 * {@code *.jsonl} or {@code *.jsonl.gz} is JSON lines, anything else plain lines.
 */
public final class TextLinesPreparation implements Preparation {
    /** The two corpus formats. */
    public static final List<String> FORMATS = List.of("auto", "lines", "jsonl");
    private final Path input;
    private final String format;
    private final String idField;
    private final String textField;
    private final String titleField;
    private final String name;
    private final BadRecords bad;

    /**
     * @param input      the corpus file, any Hadoop path
     * @param format     {@code auto}, {@code lines} or {@code jsonl}
     * @param idField    JSONL: the id field, or null to number documents by line
     * @param textField  JSONL: the text field
     * @param titleField JSONL: an optional title field, or null
     * @param name       dataset name; null for the file name without extension
     * @param bad        what to do with bad lines
     */
    public TextLinesPreparation(String input, String format, String idField, String textField, String titleField,
                                String name, BadRecords bad) {
        if (!FORMATS.contains(format)) {
            throw new IllegalArgumentException("format: must be one of " + FORMATS + ", got '" + format + "'");
        }
        this.input = new Path(input);
        String file = this.input.getName().toLowerCase(Locale.ROOT);
        this.format = !format.equals("auto") ? format
                : file.endsWith(".jsonl") || file.endsWith(".jsonl.gz") ? "jsonl" : "lines";
        this.idField = idField;
        this.textField = textField == null ? "text" : textField;
        this.titleField = titleField;
        String base = this.input.getName();
        this.name = name != null ? name : base.contains(".") ? base.substring(0, base.indexOf('.')) : base;
        this.bad = bad;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Path> inputs(Configuration conf) {
        return TextInputs.existing(conf, input);
    }

    @Override
    public Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("format", format);
        if (format.equals("jsonl")) {
            s.put("idField", idField == null ? "(line number)" : idField);
            s.put("textField", textField);
            s.put("titleField", titleField == null ? "(none)" : titleField);
        }
        return s;
    }

    @Override
    public DatasetManifest prepare(SparkSession spark, String outPath) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        inputs(conf);
        try (RetrievalDatasetWriter w = RetrievalDatasetWriter.begin(spark, outPath, name, bad)) {
            SourceFile file = SourceFile.open(input, conf);
            w.corpus(format.equals("jsonl") ? JsonlReader.documents(file, idField, textField, titleField, bad)
                    : new TextLinesReader(file, bad));
            return w.commit(settings(), false, BuildInfo.createdBy("TextLinesPreparation"));
        }
    }
}
