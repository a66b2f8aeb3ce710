package org.sparktrain.data.image;

/**
 * One record of a CIFAR binary batch.
 *
 * @param index       0-based position in its file
 * @param label       the class: the CIFAR-10 label, or the CIFAR-100 fine label
 * @param coarseLabel the CIFAR-100 coarse label, -1 for CIFAR-10
 * @param pixels      {@value CifarFormat#IMAGE_BYTES} unsigned bytes (read as {@code b & 0xff}), R, G, B planes of
 *                    32x32, row-major; a fresh array owned by the caller
 */
public record CifarRecord(int index, int label, int coarseLabel, byte[] pixels) {
}
