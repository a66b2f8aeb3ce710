package org.sparktrain.zoo;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassifierNetworksTest {
    @Test
    void lenet5HasTheClassicLayerSizes() {
        MultiLayerNetwork net = ClassifierNetworks.create(ClassifierModelConfig.defaults(), new ImageShape(1, 28, 28), 10, 1);
        // conv 5*5*1*6+6, conv 5*5*6*16+16, 400*120+120, 120*84+84, 84*10+10
        assertEquals(156 + 2416 + 48120 + 10164 + 850, net.numParams());
        INDArray out = net.output(Nd4j.rand(3, 784));
        assertArrayEquals(new long[]{3, 10}, out.shape());
        assertEquals(3.0, out.sumNumber().doubleValue(), 1e-5, "softmax rows sum to one");
    }

    @Test
    void mlpHasTheConfiguredWidths() {
        MultiLayerNetwork net = ClassifierNetworks.create(new ClassifierModelConfig("mlp", List.of(256)),
                new ImageShape(1, 28, 28), 10, 1);
        assertEquals(784 * 256 + 256 + 256 * 10 + 10, net.numParams());
        MultiLayerNetwork deep = ClassifierNetworks.create(new ClassifierModelConfig("mlp", List.of(32, 16)),
                new ImageShape(3, 4, 4), 5, 1);
        assertEquals(48 * 32 + 32 + 32 * 16 + 16 + 16 * 5 + 5, deep.numParams());
    }

    @Test
    void sameSeedGivesTheSameInitialParameters() {
        ImageShape s = new ImageShape(1, 28, 28);
        assertEquals(ClassifierNetworks.create(ClassifierModelConfig.defaults(), s, 10, 7).params(),
                ClassifierNetworks.create(ClassifierModelConfig.defaults(), s, 10, 7).params());
    }

    @Test
    void badConfigsAreNamed() {
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> new ClassifierModelConfig("vgg", null));
        assertTrue(type.getMessage().startsWith("type: unknown model type 'vgg'"));
        IllegalArgumentException hidden = assertThrows(IllegalArgumentException.class,
                () -> new ClassifierModelConfig("mlp", List.of(0)));
        assertTrue(hidden.getMessage().startsWith("hidden:"));
        assertThrows(IllegalArgumentException.class, () -> LeNet5Model.configuration(new ImageShape(1, 8, 8), 10, 1,
                new org.nd4j.linalg.learning.config.NoOp()));
    }

    @Test
    void savedModelLoadsBackAndPredictsTheSame(@TempDir Path dir) throws IOException {
        ImageShape shape = new ImageShape(1, 28, 28);
        ClassifierModel model = new ClassifierModel(ClassifierNetworks.create(ClassifierModelConfig.defaults(), shape, 3, 4),
                ClassifierModelConfig.defaults(), shape, List.of("cat", "dog", "fox"));
        try (OutputStream net = Files.newOutputStream(dir.resolve(ClassifierModel.NETWORK_FILE));
             OutputStream meta = Files.newOutputStream(dir.resolve(ClassifierModel.META_FILE))) {
            model.writeNetwork(net);
            model.writeMetadata(meta);
        }
        ClassifierModel loaded = ClassifierModel.load(dir);
        assertEquals(List.of("cat", "dog", "fox"), loaded.classNames());
        assertEquals(shape, loaded.shape());
        float[] x = Nd4j.rand(1, 784).toFloatVector();
        assertArrayEquals(model.probabilities(x), loaded.probabilities(x), 1e-6f);
        assertEquals(model.predict(x), loaded.predict(x));
    }
}
