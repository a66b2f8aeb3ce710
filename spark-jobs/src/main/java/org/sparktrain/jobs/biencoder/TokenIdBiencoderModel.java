package org.sparktrain.jobs.biencoder;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparktrain.engine.ColumnSpec;
import org.sparktrain.retrieval.encoder.WordPieceTokenizer;
import org.sparktrain.retrieval.train.TrainingTriple;

import java.util.List;

/**
 * The bi-encoders that read WordPiece ids ({@code pooled}, {@code minilm}): their training frame holds each text's
 * ids as floats, [PAD]-padded to {@code data.maxQueryLength} / {@code data.maxDocumentLength}
 * ({@link BiencoderTraining#frame}), and the first [PAD] ends a sequence.
 */
abstract class TokenIdBiencoderModel implements BiencoderModel {
    protected final WordPieceTokenizer tokenizer;
    protected final byte[] tokenizerJson;
    protected final int maxLength;

    /** @param maxLength the saved encoder's longest token sequence (data.maxDocumentLength) */
    TokenIdBiencoderModel(WordPieceTokenizer tokenizer, byte[] tokenizerJson, int maxLength) {
        this.tokenizer = tokenizer;
        this.tokenizerJson = tokenizerJson;
        this.maxLength = maxLength;
    }

    @Override
    public Dataset<Row> frame(SparkSession spark, BiencoderTraining.Collection c, List<TrainingTriple> triples,
                              BiencoderDataConfig d, int batchSize, long seed) {
        return BiencoderTraining.frame(spark, c, triples, tokenizer, d, batchSize, seed);
    }

    @Override
    public List<ColumnSpec> columns(BiencoderDataConfig d) {
        return BiencoderTraining.columns(d);
    }
}
