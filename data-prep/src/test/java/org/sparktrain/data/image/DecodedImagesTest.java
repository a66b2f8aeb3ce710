package org.sparktrain.data.image;

import org.junit.jupiter.api.Test;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link DecodedImages#read}: a whole file decodes, garbage has no decoder, a cut JPEG or PNG is an error. */
class DecodedImagesTest {
    static byte[] encode(String format) throws Exception {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 64 * 64; i++) {
            img.setRGB(i % 64, i / 64, (int) (i * 2654435761L) & 0xffffff); // noisy: many JPEG bytes
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out));
        return out.toByteArray();
    }

    @Test
    void wholeFilesDecodeAndGarbageHasNoDecoder() throws Exception {
        assertEquals(64, DecodedImages.read(encode("jpg")).getWidth());
        assertEquals(64, DecodedImages.read(encode("png")).getHeight());
        assertNull(DecodedImages.read("not an image at all".getBytes()));
    }

    @Test
    void truncatedJpegIsAnErrorNotAGreyFilledImage() throws Exception {
        byte[] jpeg = encode("jpg");
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length / 2);
        // plain ImageIO.read accepts it (the decoder only warns and fills the rest with grey)
        BufferedImage lenient = ImageIO.read(new java.io.ByteArrayInputStream(cut));
        assertEquals(64, lenient.getWidth());
        IIOException e = assertThrows(IIOException.class, () -> DecodedImages.read(cut));
        assertTrue(e.getMessage().contains("JPEG decoder warning"), e.getMessage());

        byte[] png = encode("png");
        assertThrows(IIOException.class, () -> DecodedImages.read(Arrays.copyOf(png, png.length / 2)));
    }
}
