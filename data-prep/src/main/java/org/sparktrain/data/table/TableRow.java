package org.sparktrain.data.table;

/**
 * One parsed row of a table file, before its label is mapped to a class or read as a target.
 *
 * @param features   dense feature values, all finite
 * @param label      the label as written (a CSV field, a LibSVM label, a FANN output value), or null when the reader
 *                   determined the class itself
 * @param classIndex the class when the format encodes it directly (FANN one-hot outputs: the argmax), else -1
 * @param location   {@code file:line} of the row
 */
public record TableRow(float[] features, String label, int classIndex, String location) {
}
