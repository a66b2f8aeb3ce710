package org.sparktrain.data.idx;

/**
 * One record of an {@link IdxPair}: the image's unsigned-byte pixels (row-major, {@code rows * cols} bytes; read
 * them as {@code pixels[i] & 0xff}) and its label.
 *
 * @param index  0-based position of the record in both files
 * @param pixels row-major pixels, a fresh array owned by the caller
 * @param label  class label, 0..255
 */
public record LabeledImage(int index, byte[] pixels, int label) {
}
