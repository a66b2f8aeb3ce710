package org.sparktrain.engine;

import org.nd4j.linalg.schedule.ISchedule;

/**
 * Learning-rate schedule over global steps t = 0..T-1, given to ND4J's updaters as an {@link ISchedule}:
 * linear warm-up from 0 over the first {@code warmup} steps, then
 * <ul>
 *   <li>{@code constant}: lr,</li>
 *   <li>{@code cosine}: lr * (1 + cos(pi * p)) / 2, with p the fraction of post-warm-up steps done
 *       (Loshchilov &amp; Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts", ICLR 2017, without restarts),</li>
 *   <li>{@code linear}: lr * (1 - p).</li>
 * </ul>
 * (ND4J's own {@code PolySchedule} grows instead of decaying in 1.0.0-M2.1, so it is not used.)
 */
public final class LearningRateSchedule implements ISchedule {
    private final String kind;
    private final double lr;
    private final long warmup;
    private final long total;

    public LearningRateSchedule(String kind, double lr, long warmup, long total) {
        this.kind = kind;
        this.lr = lr;
        this.warmup = warmup;
        this.total = Math.max(1, total);
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        if (iteration < warmup) {
            return lr * (iteration + 1) / (double) warmup;
        }
        double p = Math.min(1.0, (iteration - warmup) / (double) Math.max(1, total - warmup));
        return switch (kind) {
            case "cosine" -> lr * 0.5 * (1 + Math.cos(Math.PI * p));
            case "linear" -> lr * (1 - p);
            default -> lr;
        };
    }

    @Override
    public ISchedule clone() {
        return new LearningRateSchedule(kind, lr, warmup, total);
    }
}
