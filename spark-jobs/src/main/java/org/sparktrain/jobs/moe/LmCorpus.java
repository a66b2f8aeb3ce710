package org.sparktrain.jobs.moe;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.text.RetrievalDataset;

import java.util.ArrayList;
import java.util.List;

/**
 * The training and validation windows of the MoE language model, cut from a prepared corpus table.
 *
 * <p>The documents (ordered by {@code id}; text, or the title when the text is empty) are read to the driver
 * (Spark SQL), tokenised and numbered with a {@link WordVocabulary} built from the training documents only (plain
 * Java). The held-out documents ({@link TextConfig#heldOut}) form the validation stream. Each stream is the
 * concatenation of its documents' ids, each followed by {@code <eos>}; window k holds the ids at positions
 * k·T .. k·T + T (T + 1 ids: T inputs, T next-token targets), so consecutive windows share one id and every
 * stream position after the first is predicted exactly once. A trailing part shorter than T + 1 ids is dropped.
 * Windows are rows {@code (id bigint, tokens array<float>)} for the engine's shards (ids are exact in float up to
 * 2^24).
 *
 * <p>The corpus is collected on the driver: fine for Cranfield (1,400 documents, 1.7 MB), not meant for corpora
 * that do not fit in the driver's memory.
 */
public record LmCorpus(WordVocabulary vocabulary, int trainDocuments, int validationDocuments, long trainTokens,
                       long validationTokens, long trainUnknown, long validationUnknown, List<int[]> trainWindows,
                       List<int[]> validationWindows) {
    public static final String TOKENS = "tokens";
    static final StructType SCHEMA = new StructType(new StructField[] {
            DataTypes.createStructField("id", DataTypes.LongType, false),
            DataTypes.createStructField(TOKENS, DataTypes.createArrayType(DataTypes.FloatType, false), false)});

    /** Reads {@code text.table} of the prepared dataset at {@code path} and cuts windows of T + 1 ids. */
    public static LmCorpus read(SparkSession spark, String path, TextConfig text, int context) {
        Dataset<Row> table = RetrievalDataset.readTable(spark, path, text.table());
        List<Row> rows = table.select("id", "title", "text").orderBy("id").collectAsList();
        List<List<String>> train = new ArrayList<>();
        List<List<String>> validation = new ArrayList<>();
        for (Row r : rows) {
            long id = r.getLong(0);
            String body = r.isNullAt(2) ? "" : r.getString(2);
            if (body.isBlank() && !r.isNullAt(1)) {
                body = r.getString(1);
            }
            List<String> tokens = WordVocabulary.tokenize(body);
            (text.heldOut(id) ? validation : train).add(tokens);
        }
        if (train.isEmpty()) {
            throw new BadInputException(path + "/" + text.table() + ": no training documents (" + rows.size()
                    + " documents, text.validationEvery = " + text.validationEvery() + ")");
        }
        WordVocabulary vocab = WordVocabulary.build(train, text.minCount(), text.maxVocab());
        int[] trainStream = stream(train, vocab);
        int[] validationStream = stream(validation, vocab);
        List<int[]> trainWindows = windows(trainStream, context);
        if (trainWindows.isEmpty()) {
            throw new BadInputException(path + "/" + text.table() + ": the training documents have " + trainStream.length
                    + " tokens, fewer than one window of model.contextLength + 1 = " + (context + 1));
        }
        return new LmCorpus(vocab, train.size(), validation.size(), trainStream.length, validationStream.length,
                unknown(trainStream), unknown(validationStream), trainWindows, windows(validationStream, context));
    }

    static int[] stream(List<List<String>> documents, WordVocabulary vocab) {
        int n = 0;
        for (List<String> d : documents) {
            n += d.size() + 1;
        }
        int[] ids = new int[n];
        int at = 0;
        for (List<String> d : documents) {
            for (String w : d) {
                ids[at++] = vocab.id(w);
            }
            ids[at++] = WordVocabulary.END_ID;
        }
        return ids;
    }

    /** Windows k = 0, 1, ... of ids [k·T, k·T + T] while they fit in the stream. */
    static List<int[]> windows(int[] stream, int context) {
        List<int[]> out = new ArrayList<>();
        for (int start = 0; start + context < stream.length; start += context) {
            out.add(java.util.Arrays.copyOfRange(stream, start, start + context + 1));
        }
        return out;
    }

    private static long unknown(int[] stream) {
        long n = 0;
        for (int id : stream) {
            n += id == WordVocabulary.UNKNOWN_ID ? 1 : 0;
        }
        return n;
    }

    /** The windows as a DataFrame {@code (id, tokens)} with {@code id} = window index. */
    public static Dataset<Row> toFrame(SparkSession spark, List<int[]> windows) {
        List<Row> rows = new ArrayList<>(windows.size());
        for (int k = 0; k < windows.size(); k++) {
            float[] f = new float[windows.get(k).length];
            for (int j = 0; j < f.length; j++) {
                f[j] = windows.get(k)[j];
            }
            rows.add(RowFactory.create((long) k, f));
        }
        return spark.createDataFrame(rows, SCHEMA);
    }
}
