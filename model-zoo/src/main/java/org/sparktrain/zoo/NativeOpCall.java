package org.sparktrain.zoo;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One libnd4j custom op bound once to fixed input and output arrays and arguments, executed many times.
 *
 * <p>{@code Nd4j.exec(new SomeOp(...))} builds a Java op object and a native op context on every call, which costs
 * 20-50 microseconds, more than the whole computation of a small op (a ReLU over 5,000 values takes ~3 us).
 * A pre-built {@link OpContext} reused across calls brings the overhead down to a few microseconds. The bound
 * arrays must stay alive and keep their buffers; callers write new data into them in place.
 *
 * <p>Platform helpers (oneDNN kernels in the {@code linux-x86_64-onednn} build of nd4j-native) are allowed; on a
 * build without them libnd4j runs its generic kernels.
 */
final class NativeOpCall implements AutoCloseable {
    private final DynamicCustomOp op;
    private final OpContext context;
    private final Op legacyOp;

    /** A legacy (non-custom) op whose x/y/z arrays are already set; no context. */
    private NativeOpCall(Op legacyOp) {
        this.op = null;
        this.context = null;
        this.legacyOp = legacyOp;
    }

    static NativeOpCall legacy(Op legacyOp) {
        return new NativeOpCall(legacyOp);
    }

    NativeOpCall(String opName, INDArray[] inputs, INDArray[] outputs, long[] intArgs, double[] floatArgs,
                 boolean[] boolArgs) {
        this.op = DynamicCustomOp.builder(opName).build();
        this.legacyOp = null;
        this.context = Nd4j.getExecutioner().buildContext();
        context.setInputArrays(inputs);
        context.setOutputArrays(outputs);
        if (intArgs.length > 0) {
            context.setIArguments(intArgs);
        }
        if (floatArgs.length > 0) {
            context.setTArguments(floatArgs);
        }
        if (boolArgs.length > 0) {
            context.setBArguments(boolArgs);
        }
        context.allowHelpers(true);
    }

    static NativeOpCall of(String opName, INDArray[] inputs, INDArray[] outputs, long... intArgs) {
        return new NativeOpCall(opName, inputs, outputs, intArgs, new double[0], new boolean[0]);
    }

    void run() {
        if (legacyOp != null) {
            Nd4j.getExecutioner().exec(legacyOp);
        } else {
            Nd4j.exec(op, context);
        }
    }

    @Override
    public void close() {
        if (context == null) {
            return;
        }
        try {
            context.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing op context of " + op.opName(), e);
        }
    }
}
