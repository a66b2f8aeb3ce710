package org.sparktrain.engine;

import java.io.Serializable;

/**
 * What one worker returns from a round: its per-record state block (committed as the round's output, so a retried
 * round restarts from the previous block) and, from worker 0, the parameters, updater state and global state every
 * replica ended with. {@code paramsChecksum} of every worker proves the replicas stayed identical.
 * A plain class so Spark's Kryo serializer can move it.
 */
public final class RoundOutput implements Serializable {
    int worker;
    float[] recordState;
    float[] params;
    float[] updaterState;
    float[] globalState;
    long paramsChecksum;

    RoundOutput() {
    }

    RoundOutput(int worker, float[] recordState, float[] params, float[] updaterState, float[] globalState,
                long paramsChecksum) {
        this.worker = worker;
        this.recordState = recordState;
        this.params = params;
        this.updaterState = updaterState;
        this.globalState = globalState;
        this.paramsChecksum = paramsChecksum;
    }

    /** The same output without the per-record block (what the driver collects). */
    RoundOutput summary() {
        return new RoundOutput(worker, null, params, updaterState, globalState, paramsChecksum);
    }

    static long checksum(float[] values) {
        long h = 1125899906842597L;
        for (float v : values) {
            h = 31 * h + Float.floatToRawIntBits(v);
        }
        return h;
    }
}
