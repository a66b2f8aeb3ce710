package org.sparktrain.jobs.biencoder;

import org.sparktrain.engine.TrainableFactory;
import org.sparktrain.retrieval.encoder.PooledEncoder;
import org.sparktrain.retrieval.encoder.PooledTextEncoder;
import org.sparktrain.retrieval.encoder.TextEncoder;
import org.sparktrain.retrieval.encoder.TokenEmbeddingTable;
import org.sparktrain.retrieval.encoder.WordPieceTokenizer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code encoder: pooled}: the {@link PooledEncoder} over MiniLM's frozen token table (written once to
 * {@code tablePath} in the run directory, read by every replica through Hadoop); WordPiece id columns; starts from
 * {@code initial} (token weights from {@code tokenWeights}, W = 0, c = 0); saved as a {@link PooledTextEncoder}.
 */
final class PooledBiencoderModel extends TokenIdBiencoderModel {
    private final TokenEmbeddingTable table;
    private final String tablePath;
    private final float[] initial;

    PooledBiencoderModel(TokenEmbeddingTable table, String tablePath, WordPieceTokenizer tokenizer,
                         byte[] tokenizerJson, float[] initial, int maxLength) {
        super(tokenizer, tokenizerJson, maxLength);
        this.table = table;
        this.tablePath = tablePath;
        this.initial = initial;
    }

    @Override
    public TrainableFactory factory(BiencoderLossConfig loss) {
        return new BiencoderFactory(tablePath, loss, tokenizer.padId());
    }

    @Override
    public float[] initialParams() {
        return initial;
    }

    @Override
    public PooledTextEncoder encoder(float[] params) throws IOException {
        return new PooledTextEncoder(new PooledEncoder(table), tokenizerJson, params, maxLength);
    }

    @Override
    public TextEncoder start() throws IOException {
        return encoder(initial);
    }

    @Override
    public void save(float[] params, Path dir) throws IOException {
        encoder(params).save(dir);
    }
}
