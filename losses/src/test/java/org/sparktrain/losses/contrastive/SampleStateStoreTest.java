package org.sparktrain.losses.contrastive;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparktrain.losses.GradientCheck;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SampleStateStoreTest {
    @Test
    void stateFollowsTheSampleIndexAcrossBatches() {
        SampleStateStore store = new SampleStateStore(6, 0.1);
        Random rnd = new Random(71);
        INDArray z1 = GradientCheck.gaussian(rnd, 6, 3);
        INDArray z2 = GradientCheck.gaussian(rnd, 6, 3);
        GlobalContrastiveLoss loss = new GlobalContrastiveLoss(GclConfig.isogclrUnimodal());
        int[] first = {4, 1, 5};
        SampleState s1 = store.gather(first);
        assertArrayEquals(new double[3], s1.u(), 0);
        GclResult r1 = loss.compute(rows(z1, first), rows(z2, first), s1);
        store.scatter(first, r1.state());
        // a later batch containing sample 1 again (and unvisited 0, 2) sees exactly the state written for sample 1
        int[] second = {0, 1, 2};
        SampleState s2 = store.gather(second);
        assertArrayEquals(r1.state().record(1), s2.record(1), 0);
        assertEquals(0, s2.u()[0], 0);
        assertEquals(0.1, s2.tau()[2], 0);
        assertEquals(r1.state().tau()[0], store.temperatures()[4], 0);
        assertThrows(IllegalArgumentException.class, () -> store.gather(new int[]{1, 1}));
        assertThrows(IllegalArgumentException.class, () -> store.gather(new int[]{6}));
        assertThrows(IllegalArgumentException.class, () -> store.scatter(new int[]{0}, s2));
    }

    private static INDArray rows(INDArray x, int[] idx) {
        double[][] all = x.toDoubleMatrix();
        double[][] out = new double[idx.length][];
        for (int k = 0; k < idx.length; k++) {
            out[k] = all[idx[k]];
        }
        return org.nd4j.linalg.factory.Nd4j.create(out);
    }
}
