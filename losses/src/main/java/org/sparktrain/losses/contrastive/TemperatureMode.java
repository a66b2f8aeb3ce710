package org.sparktrain.losses.contrastive;

/** Whether the global contrastive losses use one fixed temperature (SogCLR) or a learned one per sample (iSogCLR). */
public enum TemperatureMode {
    /** SogCLR: τ is the constant {@link GclConfig#tau()}; the state's τ_i and momentum are left untouched. */
    GLOBAL,
    /** iSogCLR: τ_i from the state, updated after each visit by projected momentum SGD (see {@link TemperatureUpdate}). */
    INDIVIDUAL
}
