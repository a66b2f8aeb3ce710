package org.sparktrain.data.image;

import org.apache.hadoop.fs.Path;

/**
 * One image of an image folder, in the order it is prepared.
 *
 * @param path     the file
 * @param relative its path below the dataset root, e.g. {@code train/cat/001.jpg}
 * @param label    the class index of its folder
 */
public record ImageFile(Path path, String relative, int label) {
}
