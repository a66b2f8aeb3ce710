package org.sparktrain.engine.optim;

import java.util.Map;

/**
 * A test's double-precision transcription of an optimizer's pseudo-code (the spec, literally, on double arrays),
 * stepped on {@link TinyProblem} beside the production {@link FlatOptimizer} it checks.
 */
interface ReferenceOptimizer {
    /** One step: updates {@code x} in place from the gradient {@code g} (which the step may change). */
    void step(double[] x, double[] g);

    /** The reference's values of scalars the production optimizer reports in {@code scalars()}, by the same names. */
    Map<String, Double> scalars();
}
