package org.sparktrain.engine.optim;

/**
 * A test's double-precision transcription of an optimizer's pseudo-code (the spec, literally, on double arrays),
 * stepped on {@link TinyProblem} beside the production {@link FlatOptimizer} it checks.
 */
interface ReferenceOptimizer {
    /** One step: updates {@code x} in place from the gradient {@code g} (which the step may change). */
    void step(double[] x, double[] g);

    /** The reference's value of the scalar the production optimizer reports as {@code name} in {@code scalars()}. */
    double scalar(String name);
}
