package org.sparktrain.engine;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.engine.optim.FlatOptimizer;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DriverOptimizer#scalars}, which the engine logs at every epoch end: the driver reads the global scalars of a
 * committed state that a worker's optimizer produced, and returns nothing for rules without scalars without
 * restoring their state.
 */
class DriverOptimizerScalarsTest {
    static final LeastSquares PROBLEM = OptimizerStateTest.PROBLEM;

    @BeforeAll
    static void oneThread() {
        NativeThreads.configure(1);
    }

    @Test
    void prodigyScalarsAreReadFromTheCommittedState() {
        OptimizerConfig config = OptimizerConfig.defaults("prodigy");
        FlatOptimizer worker = OptimizerStateTest.create(config);
        INDArray params = Nd4j.zeros(DataType.FLOAT, PROBLEM.numParams());
        OptimizerStateTest.run(worker, params, 0, 5, 1.0);
        Map<String, Double> expected = worker.scalars();
        DriverOptimizer driver = new DriverOptimizer(config, PROBLEM.numParams(), PROBLEM.layout(),
                OptimizerStateTest.STEPS);
        Map<String, Double> initial = driver.scalars(new EngineState(0, 0, 0, params.toFloatVector(),
                driver.initialState(), new float[0]));
        Map<String, Double> read = driver.scalars(new EngineState(5, 0, 5, params.toFloatVector(), worker.state(),
                new float[0]));
        assertEquals(expected, read);
        assertTrue(read.containsKey("d") && read.containsKey("k"), read.toString());
        assertEquals(5.0, read.get("k"));
        assertNotEquals(initial.get("d"), read.get("d"), "d must have grown from d0 in 5 steps");
    }

    @Test
    void adamHasNoScalarsAndItsStateIsNotRestored() {
        DriverOptimizer driver = new DriverOptimizer(OptimizerConfig.defaults("adam"), PROBLEM.numParams(),
                PROBLEM.layout(), OptimizerStateTest.STEPS);
        // a state of the wrong size would fail setState: an empty answer shows it was never restored
        assertEquals(Map.of(), driver.scalars(new EngineState(1, 0, 1, new float[3], new float[1], new float[0])));
    }
}
