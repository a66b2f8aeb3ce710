package org.sparktrain.engine.optim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The optimizer state container: flat layout, exact round trip and the local-sgd rule per slot. */
class FlatStateTest {
    @Test
    void flatStateLaysOutVectorsThenScalarsAndSynchronisesByRule() {
        FlatState a = new FlatState(3);
        int avg = a.addVector("s", FlatState.Sync.AVERAGE);
        int anchor = a.addVector("x0", FlatState.Sync.LEADER);
        int d = a.addScalar("d", FlatState.Sync.AVERAGE, 1e-6);
        int k = a.addScalar("k", FlatState.Sync.LEADER, 0);
        assertEquals(2 * 3 + 2 * ExactDoubles.FLOATS, a.size());
        assertEquals("vectors [s, x0] x 3; scalars [d, k] (3 floats each)", a.describe());
        a.vector(avg).assign(TinyProblem.floats(new double[]{1, 2, 3}));
        a.vector(anchor).assign(TinyProblem.floats(new double[]{7, 8, 9}));
        a.set(d, 0.1);
        a.set(k, 5);
        float[] flat = a.toFloats();
        assertEquals(2f, flat[1]);
        assertEquals(8f, flat[4]);
        FlatState b = new FlatState(3);
        b.addVector("s", FlatState.Sync.AVERAGE);
        b.addVector("x0", FlatState.Sync.LEADER);
        b.addScalar("d", FlatState.Sync.AVERAGE, 1e-6);
        b.addScalar("k", FlatState.Sync.LEADER, 0);
        b.fromFloats(flat);
        assertEquals(0.1, b.get(d));
        b.vector(avg).assign(TinyProblem.floats(new double[]{3, 4, 5}));
        b.vector(anchor).assign(TinyProblem.floats(new double[]{-1, -1, -1}));
        b.set(d, 0.3);
        b.set(k, 4);
        // worker 0 = a, worker 1 = b: sum the contributions as the collective does, then apply on both
        FlatOptimizer.SyncPart ca = a.contribution(true);
        FlatOptimizer.SyncPart cb = b.contribution(false);
        float[] fs = new float[ca.floats().length];
        double[] ds = new double[ca.doubles().length];
        for (int i = 0; i < fs.length; i++) {
            fs[i] = (float) ((double) ca.floats()[i] + cb.floats()[i]);
        }
        for (int i = 0; i < ds.length; i++) {
            ds[i] = ca.doubles()[i] + cb.doubles()[i];
        }
        for (FlatState s : new FlatState[]{a, b}) {
            s.applySums(new FlatOptimizer.SyncPart(fs.clone(), ds.clone()), 2);
            TinyProblem.assertClose(new double[]{2, 3, 4}, TinyProblem.doubles(s.vector(avg)), 0, "averaged s");
            TinyProblem.assertClose(new double[]{7, 8, 9}, TinyProblem.doubles(s.vector(anchor)), 0, "x0 from worker 0");
            assertEquals(0.2, s.get(d), 1e-15, "averaged d");
            assertEquals(5.0, s.get(k), "k from worker 0");
        }
        assertThrows(IllegalArgumentException.class, () -> b.fromFloats(new float[5]));
    }

    @Test
    void shorterVectorsKeepTheirLengthInTheLayoutAndTheSynchronisation() {
        FlatState a = new FlatState(4);
        int s = a.addVector("s", FlatState.Sync.AVERAGE, 2);
        int m = a.addVector("m", FlatState.Sync.AVERAGE);
        int x0 = a.addVector("x0", FlatState.Sync.LEADER, 1);
        a.addScalar("d", FlatState.Sync.AVERAGE, 1e-6);
        assertEquals(2 + 4 + 1 + ExactDoubles.FLOATS, a.size());
        assertEquals("vectors [s x 2, m x 4, x0 x 1]; scalars [d] (3 floats each)", a.describe());
        a.vector(s).assign(TinyProblem.floats(new double[]{1, 2}));
        a.vector(m).assign(TinyProblem.floats(new double[]{3, 4, 5, 6}));
        a.vector(x0).assign(TinyProblem.floats(new double[]{7}));
        float[] flat = a.toFloats();
        assertEquals(2f, flat[1]);
        assertEquals(3f, flat[2]);
        assertEquals(7f, flat[6]);
        FlatState b = new FlatState(4);
        b.addVector("s", FlatState.Sync.AVERAGE, 2);
        b.addVector("m", FlatState.Sync.AVERAGE);
        b.addVector("x0", FlatState.Sync.LEADER, 1);
        b.addScalar("d", FlatState.Sync.AVERAGE, 1e-6);
        b.fromFloats(flat);
        TinyProblem.assertClose(new double[]{3, 4, 5, 6}, TinyProblem.doubles(b.vector(m)), 0, "m restored");
        b.vector(s).assign(TinyProblem.floats(new double[]{3, 6}));
        b.vector(x0).assign(TinyProblem.floats(new double[]{-1}));
        FlatOptimizer.SyncPart ca = a.contribution(true);
        FlatOptimizer.SyncPart cb = b.contribution(false);
        assertEquals(7, ca.floats().length);
        assertEquals(0f, cb.floats()[6], "x0 is worker 0's");
        float[] fs = new float[7];
        for (int i = 0; i < fs.length; i++) {
            fs[i] = ca.floats()[i] + cb.floats()[i];
        }
        double[] ds = {ca.doubles()[0] + cb.doubles()[0]};
        b.applySums(new FlatOptimizer.SyncPart(fs, ds), 2);
        TinyProblem.assertClose(new double[]{2, 4}, TinyProblem.doubles(b.vector(s)), 0, "averaged s");
        TinyProblem.assertClose(new double[]{7}, TinyProblem.doubles(b.vector(x0)), 0, "x0 from worker 0");
        assertThrows(IllegalArgumentException.class, () -> a.addVector("too long", FlatState.Sync.AVERAGE, 5));
    }
}
