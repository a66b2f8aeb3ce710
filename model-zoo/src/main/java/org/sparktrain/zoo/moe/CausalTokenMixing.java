package org.sparktrain.zoo.moe;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Causal token mixing of an MLP-Mixer language model: each output position is a learned linear combination of the
 * current and earlier positions of its own sequence, the same for every channel. Forward and backward written by
 * hand on ND4J in double precision.
 *
 * <p>Math, for one sequence A (T, d) of positions 0..T−1: M = (W ⊙ C) A + c 1ᵀ, with W (T, T) learned, C the
 * lower-triangular mask (C_{ts} = 1 if s ≤ t, else 0: position t never sees a later position) and c ∈ R^T a bias
 * per position. Backward from dM: dA = (W ⊙ C)ᵀ dM, dW = (dM Aᵀ) ⊙ C, dc_t = Σ_j dM_{tj}. A batch of B sequences is
 * stored token-major as (B·T, d) with row b·T + t; it is turned into (T, B·d) so that one matrix product mixes all
 * sequences.
 *
 * <p>Parameters in a flat (1, P) vector from {@code offset}: W (T, T) row-major (entries above the diagonal are
 * never used and get zero gradient), then c (T). Initialisation: W_{ts} = 1/(t+1) for s ≤ t (a causal running
 * mean), c = 0.
 *
 * <p>References: I. Tolstikhin et al., "MLP-Mixer", NeurIPS 2021 (token-mixing layers); H. Liu et al., "Pay
 * Attention to MLPs", NeurIPS 2021 (causal masking of the token-mixing matrix for language modelling).
 */
final class CausalTokenMixing {
    private final int length;
    private final long offset;
    private final INDArray mask;

    CausalTokenMixing(int length, long offset) {
        this.length = length;
        this.offset = offset;
        double[][] c = new double[length][length];
        for (int t = 0; t < length; t++) {
            for (int s = 0; s <= t; s++) {
                c[t][s] = 1;
            }
        }
        this.mask = Nd4j.createFromArray(c);
    }

    long numParams() {
        return (long) length * length + length;
    }

    /** Appends W and c (the flat order), named {@code prefix.W} and {@code prefix.c}. */
    void tensors(String prefix, org.sparktrain.zoo.ParamTensors out) {
        out.add(prefix + ".W", (long) length * length).add(prefix + ".c", length);
    }

    void initialize(INDArray flat) {
        double[] w = new double[length * length];
        for (int t = 0; t < length; t++) {
            for (int s = 0; s <= t; s++) {
                w[t * length + s] = 1.0 / (t + 1);
            }
        }
        weightBlock(flat).assign(Nd4j.createFromArray(w));
        biasBlock(flat).assign(0);
    }

    /** Mixes {@code sequences} sequences stored token-major in {@code a} (B·T, d). */
    Pass forward(INDArray flat, INDArray a, int sequences) {
        INDArray wMasked = weights(flat).mul(mask);
        INDArray aTime = timeMajor(a, sequences);
        INDArray m = wMasked.mmul(aTime).addiColumnVector(biasBlock(flat).reshape(length, 1));
        return new Pass(aTime, wMasked, tokenMajor(m, sequences, (int) a.columns()));
    }

    /** Adds dW and dc into {@code grad}; returns dA (B·T, d). */
    INDArray backward(Pass p, INDArray dM, int sequences, INDArray grad) {
        INDArray dTime = timeMajor(dM, sequences);
        weightBlock(grad).addi(dTime.mmul(p.aTime.transpose()).muli(mask).reshape(-1));
        biasBlock(grad).addi(dTime.sum(1).reshape(-1));
        return tokenMajor(p.wMasked.transpose().mmul(dTime), sequences, (int) dM.columns());
    }

    /** (B·T, d) token-major → (T, B·d): column block b holds sequence b. */
    private INDArray timeMajor(INDArray x, int sequences) {
        int d = (int) x.columns();
        return x.reshape('c', sequences, length, d).permute(1, 0, 2).dup('c').reshape('c', length, (long) sequences * d);
    }

    /** (T, B·d) → (B·T, d) token-major. */
    private INDArray tokenMajor(INDArray x, int sequences, int d) {
        return x.reshape('c', length, sequences, d).permute(1, 0, 2).dup('c').reshape('c', (long) sequences * length, d);
    }

    private INDArray weights(INDArray flat) {
        return weightBlock(flat).reshape('c', length, length);
    }

    private INDArray weightBlock(INDArray flat) {
        return flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(offset, offset + (long) length * length));
    }

    private INDArray biasBlock(INDArray flat) {
        long at = offset + (long) length * length;
        return flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(at, at + length));
    }

    /** A (T, B·d) time-major input, the masked weights W ⊙ C, and the output M (B·T, d). */
    record Pass(INDArray aTime, INDArray wMasked, INDArray y) {
    }
}
