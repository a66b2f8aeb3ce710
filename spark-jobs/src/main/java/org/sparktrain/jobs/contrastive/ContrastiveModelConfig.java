package org.sparktrain.jobs.contrastive;

import org.nd4j.linalg.api.buffer.DataType;
import org.sparktrain.config.Check;
import org.sparktrain.zoo.ImageShape;
import org.sparktrain.zoo.contrastive.ContrastiveConvNet;
import org.sparktrain.zoo.contrastive.ContrastiveEncoder;
import org.sparktrain.zoo.contrastive.ContrastiveMlp;

import java.util.List;

/**
 * The encoder and projection head of {@code train-contrastive}, from model-zoo: {@link ContrastiveMlp} ({@code mlp})
 * or {@link ContrastiveConvNet} ({@code lenet}, {@code resnet}).
 *
 * @param encoder       {@code mlp} (dense D→H→F), {@code lenet} (LeNet-5-style convolutions, then dense H→F) or
 *                      {@code resnet} (small ResNet of width w, 2w, 4w, global average pool, dense →F); default mlp
 * @param encoderHidden mlp / lenet: hidden width H of the encoder's first dense layer; default 512
 * @param width         resnet: channels w of the stem (the three blocks have w, 2w, 4w); default 16
 * @param features      representation width F (the linear probe's input); default 128
 * @param headHidden    hidden width of the projection head; default 128
 * @param projection    projection width (what the loss sees); default 64
 */
public record ContrastiveModelConfig(String encoder, Integer encoderHidden, Integer width, Integer features,
                                     Integer headHidden, Integer projection) implements java.io.Serializable {
    public static final String MLP = "mlp";
    public static final String LENET = "lenet";
    public static final String RESNET = "resnet";

    public ContrastiveModelConfig {
        encoder = Check.oneOf("encoder", encoder, MLP, List.of(MLP, LENET, RESNET));
        encoderHidden = Check.atLeast("encoderHidden", encoderHidden, 512, 1);
        width = Check.atLeast("width", width, 16, 1);
        features = Check.atLeast("features", features, 128, 1);
        headHidden = Check.atLeast("headHidden", headHidden, 128, 1);
        projection = Check.atLeast("projection", projection, 64, 1);
    }

    public static ContrastiveModelConfig defaults() {
        return new ContrastiveModelConfig(null, null, null, null, null, null);
    }

    /** An MLP encoder (the shape the engine tests use). */
    public static ContrastiveModelConfig mlp(int encoderHidden, int features, int headHidden, int projection) {
        return new ContrastiveModelConfig(MLP, encoderHidden, null, features, headHidden, projection);
    }

    /** The network with its seeded initial parameters, in float (training) or double (gradient checks). */
    public ContrastiveEncoder build(ImageShape shape, long seed, DataType dataType) {
        return switch (encoder) {
            case LENET -> ContrastiveConvNet.lenet(shape, encoderHidden, features, headHidden, projection, seed,
                    dataType);
            case RESNET -> ContrastiveConvNet.resnet(shape, width, features, headHidden, projection, seed, dataType);
            default -> new ContrastiveMlp(shape.size(), encoderHidden, features, headHidden, projection, seed,
                    dataType);
        };
    }

    /** The reference of the encoder's architecture. */
    public String citation() {
        return switch (encoder) {
            case LENET -> ContrastiveConvNet.LENET_CITATION;
            case RESNET -> ContrastiveConvNet.RESNET_CITATION;
            default -> ContrastiveMlp.CITATION;
        };
    }
}
