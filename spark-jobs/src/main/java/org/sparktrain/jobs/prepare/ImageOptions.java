package org.sparktrain.jobs.prepare;

import org.sparktrain.config.Check;

/**
 * {@code image:} options of {@code sparktrain prepare} for {@code source: image-folder} (see
 * {@link org.sparktrain.data.image.ImageFolderPreparation}).
 *
 * @param size      side of the square images after the centre crop; default 224
 * @param resizeTo  the shorter side is resized to this before the crop; default {@code size} (at least {@code size})
 * @param grayscale one grey channel instead of R, G, B; default false
 * @param threads   decoding threads on the driver; default 2
 */
public record ImageOptions(Integer size, Integer resizeTo, Boolean grayscale, Integer threads)
        implements java.io.Serializable {
    public ImageOptions {
        size = Check.atLeast("size", size, 224, 1);
        resizeTo = Check.atLeast("resizeTo", resizeTo, size, size);
        grayscale = grayscale != null && grayscale;
        threads = Check.atLeast("threads", threads, 2, 1);
    }

    public static ImageOptions defaults() {
        return new ImageOptions(null, null, null, null);
    }
}
