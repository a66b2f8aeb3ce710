package org.sparktrain.zoo;

import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks a model's {@link ParamTensors} against its initialisation, which does not use them: the tensors cover the
 * parameter vector, every bias is 0, every gain 1, and every other (weight) tensor has an entry that is neither. A
 * tensor boundary shifted by any amount pulls a weight entry into a bias or gain, or leaves a weight all 0 or 1.
 */
public final class ParamTensorsCheck {
    private ParamTensorsCheck() {
    }

    /** Whether the tensor {@code name} is a bias (initialised to 0): names ending in .b, .c, .c1, .c2, or b1, b2, ... */
    static boolean isBias(String name) {
        String last = name.substring(name.lastIndexOf('.') + 1);
        return last.matches("b|c|c[0-9]+|b[0-9]+");
    }

    public static void againstInitialisation(ParamTensors t, INDArray params, long numParams) {
        assertEquals(numParams, t.total(), "the tensors cover the parameter vector");
        double[] p = params.toDoubleVector();
        long at = 0;
        for (int i = 0; i < t.names().size(); i++) {
            String name = t.names().get(i);
            int from = (int) at;
            int to = (int) (at + t.lengths().get(i));
            boolean bias = isBias(name);
            boolean gain = name.endsWith(".gain");
            boolean weight = false;
            for (int k = from; k < to; k++) {
                if (bias) {
                    assertEquals(0.0, p[k], 0.0, name + "[" + (k - from) + "]");
                } else if (gain) {
                    assertEquals(1.0, p[k], 0.0, name + "[" + (k - from) + "]");
                } else {
                    weight |= p[k] != 0 && p[k] != 1;
                }
            }
            assertTrue(bias || gain || weight, name + " looks like a bias or gain: its boundaries are off");
            at = to;
        }
    }
}
