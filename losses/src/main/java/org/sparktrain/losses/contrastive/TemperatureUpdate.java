package org.sparktrain.losses.contrastive;

/**
 * iSogCLR's projected momentum step on a per-sample temperature, a pure function (spec §b):
 * <pre>
 *   G ← clip(G, −c, c)            (only when c = tauGradClip &gt; 0)
 *   m ← (1 − β)·m + β·G           (β weights the new gradient)
 *   τ ← clip(τ − η·m, τ_min, τ_max)
 * </pre>
 *
 * @param momentum the new m
 * @param tau      the new τ
 */
public record TemperatureUpdate(double momentum, double tau) {

    public static TemperatureUpdate step(double tauGradient, double momentum, double tau, GclConfig c) {
        double g = c.tauGradClip() > 0 ? Math.max(-c.tauGradClip(), Math.min(c.tauGradClip(), tauGradient))
                : tauGradient;
        double m = (1 - c.beta()) * momentum + c.beta() * g;
        double t = Math.max(c.tauMin(), Math.min(c.tauMax(), tau - c.eta() * m));
        return new TemperatureUpdate(m, t);
    }
}
