package org.sparktrain.zoo.grownet;

/**
 * One worker's share of a GrowNet objective on its rows of a (global) batch.
 *
 * @param lossSum        loss summed over this worker's rows
 * @param gradient       gradient of that sum w.r.t. the trained parameters (layout of the objective); with
 *                       synchronised BatchNorm, the gradients summed over workers equal the global batch's gradient
 * @param batchNormSums  this worker's Σx, Σx² of every BatchNorm layer (running-statistics order)
 * @param globalRows     N, rows of the global batch
 */
public record ObjectiveResult(double lossSum, double[] gradient, double[] batchNormSums, double globalRows) {
}
