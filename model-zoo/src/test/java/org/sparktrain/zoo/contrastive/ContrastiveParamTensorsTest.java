package org.sparktrain.zoo.contrastive;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.sparktrain.zoo.ImageShape;
import org.sparktrain.zoo.ParamTensors;
import org.sparktrain.zoo.ParamTensorsCheck;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The contrastive encoders' parameter tensors (L-DoG's per-tensor layout): names and sizes, then
 * {@link ParamTensorsCheck} against the initialisation (every bias 0).
 */
class ContrastiveParamTensorsTest {
    @Test
    void mlpTensors() {
        ContrastiveMlp m = new ContrastiveMlp(10, 8, 6, 5, 4, 11, DataType.DOUBLE);
        ParamTensors t = m.tensors();
        assertEquals(List.of("W1", "b1", "W2", "b2", "W3", "b3", "W4", "b4"), t.names());
        assertEquals(List.of(80L, 8L, 48L, 6L, 30L, 5L, 20L, 4L), t.lengths());
        ParamTensorsCheck.againstInitialisation(t, m.params(), m.numParams());
    }

    @Test
    void lenetTensors() {
        ContrastiveConvNet m = ContrastiveConvNet.lenet(new ImageShape(1, 12, 12), 7, 6, 5, 4, 11, DataType.DOUBLE);
        ParamTensors t = m.tensors();
        // conv 6x1x5x5, conv 16x6x5x5, dense 16·1·1 → 7, dense 7 → 6; head 6 → 5, 5 → 4
        assertEquals(12, t.names().size());
        assertEquals(List.of(150L, 6L, 2400L, 16L), t.lengths().subList(0, 4));
        assertEquals(List.of(30L, 5L, 20L, 4L), t.lengths().subList(8, 12));
        ParamTensorsCheck.againstInitialisation(t, m.params(), m.numParams());
    }

    @Test
    void resnetTensorsIncludeTheShortcuts() {
        ContrastiveConvNet m = ContrastiveConvNet.resnet(new ImageShape(2, 6, 6), 2, 5, 4, 3, 13, DataType.DOUBLE);
        ParamTensors t = m.tensors();
        assertEquals(2, t.names().stream().filter(n -> n.endsWith(".shortcut.W")).count(), t.names().toString());
        ParamTensorsCheck.againstInitialisation(t, m.params(), m.numParams());
    }
}
