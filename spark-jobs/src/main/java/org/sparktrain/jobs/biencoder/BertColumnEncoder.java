package org.sparktrain.jobs.biencoder;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.engine.Batch;
import org.sparktrain.engine.optim.TensorLayout;
import org.sparktrain.zoo.bert.BertParameters;
import org.sparktrain.zoo.bert.BertTokenBatch;
import org.sparktrain.zoo.bert.SameDiffBertEncoder;

import java.util.List;

/**
 * The trainable transformer on token id columns: a {@link SameDiffBertEncoder} (model-zoo; BERT as a SameDiff graph,
 * masked mean pooling, L2 normalisation). With all-MiniLM-L6-v2's pretrained weights this is the {@code minilm}
 * encoder ({@link MiniLmBiencoderFactory}); the tests use a tiny random BERT in double precision.
 *
 * <pre>
 *   column (B, width) WordPiece ids as floats, [CLS] ... [SEP] [PAD]...  -> ids before the first pad (B ragged rows)
 *   -> BertTokenBatch padded to the longest row T                         (B, T)
 *   -> SameDiffBertEncoder.sentenceEmbeddings                             U (B, H), unit rows, cast to double
 *   backward: dU (B, H) -> SameDiffBertEncoder.backward -> (∂U/∂θ)ᵀ dU (1, numParams), added to the step's gradient
 * </pre>
 *
 * <p><b>No copies of θ</b>: the trainable's parameter vector is the model's live flat vector
 * ({@link #newParams()} returns {@link SameDiffBertEncoder#params()}), so the engine writes the weights the next
 * forward reads; each backward's gradient is added straight into the trainable's gradient vector (of the model's data
 * type). Each {@link Pass#backward} reruns the column's forward inside SameDiff ({@link SameDiffBertEncoder#backward}
 * keeps no activations between calls), so a step costs three forwards plus three forward+backward passes.
 *
 * <p>Which library does what: SameDiff (nd4j) builds and differentiates the graph; this class only reads the
 * columns and accumulates the three columns' gradients. Not thread-safe (one SameDiff session per instance; the
 * engine builds one trainable per worker).
 */
final class BertColumnEncoder implements ColumnEncoder {
    private final SameDiffBertEncoder model;
    private final int padId;

    /**
     * @param model the transformer; its parameter vector becomes the trainable's
     * @param padId the tokenizer's [PAD] id, which ends a sequence in the id columns
     */
    BertColumnEncoder(SameDiffBertEncoder model, int padId) {
        this.model = model;
        this.padId = padId;
    }

    @Override
    public long numParams() {
        return model.params().length();
    }

    @Override
    public float[] initialParams() {
        return model.params().toFloatVector();
    }

    @Override
    public TensorLayout layout() {
        BertParameters p = model.parameters();
        List<String> names = p.names();
        long[] offsets = new long[names.size()];
        long[] lengths = new long[names.size()];
        for (int i = 0; i < names.size(); i++) {
            offsets[i] = p.offset(names.get(i));
            lengths[i] = p.tensor(names.get(i)).length();
        }
        return new TensorLayout(names, offsets, lengths);
    }

    /** The model's live parameter vector (1 x numParams, the model's data type). */
    @Override
    public INDArray newParams() {
        return model.params();
    }

    @Override
    public INDArray newGradient() {
        return Nd4j.zeros(model.params().dataType(), 1, numParams());
    }

    @Override
    public Step begin(INDArray params, INDArray gradient) {
        if (params != model.params()) {
            model.params().assign(params.reshape(model.params().shape()));
        }
        gradient.assign(0);
        return new Step() {
            @Override
            public Pass encode(Batch batch, String column) {
                BertTokenBatch tokens = BertTokenBatch.of(TokenIdColumn.sequences(batch, column, padId), padId);
                INDArray embeddings = model.sentenceEmbeddings(tokens).castTo(DataType.DOUBLE);
                return Pass.of(embeddings, dE -> {
                    model.backward(tokens, dE);
                    gradient.addi(model.gradient().reshape(gradient.shape()));
                });
            }

            @Override
            public void finish() {
            }
        };
    }

    /** The transformer (for evaluation after training: its weights are the trainable's parameters). */
    SameDiffBertEncoder model() {
        return model;
    }
}
