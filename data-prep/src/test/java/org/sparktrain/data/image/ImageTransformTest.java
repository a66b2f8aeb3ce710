package org.sparktrain.data.image;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link ImageTransform}: exact identity, centre crop offsets and hand-computed antialiased downscaling. */
class ImageTransformTest {
    /** R, G, B of pixel (x, y): distinct, covering the byte range. */
    static int r(int x, int y) {
        return (x * 40 + y * 7) & 0xff;
    }

    static int g(int x, int y) {
        return (255 - x * 9 - y * 30) & 0xff;
    }

    static int b(int x, int y) {
        return (x * y * 11 + 3) & 0xff;
    }

    static BufferedImage rgb(int w, int h, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (r(x, y) << 16) | (g(x, y) << 8) | b(x, y));
            }
        }
        return img;
    }

    @Test
    void sameSizeIsTheIdentityForEveryRgbLayout() {
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR}) {
            float[] out = new ImageTransform(5, 5, false).apply(rgb(5, 5, type));
            assertEquals(75, out.length);
            for (int y = 0; y < 5; y++) {
                for (int x = 0; x < 5; x++) {
                    assertEquals(r(x, y) / 255f, out[y * 5 + x], "type " + type);
                    assertEquals(g(x, y) / 255f, out[25 + y * 5 + x], "type " + type);
                    assertEquals(b(x, y) / 255f, out[50 + y * 5 + x], "type " + type);
                }
            }
        }
    }

    @Test
    void greyImagesGiveTheirGreyValueInEveryChannelAndGrayscaleGivesLuma() {
        BufferedImage grey = new BufferedImage(3, 3, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 9; i++) {
            grey.getRaster().setSample(i % 3, i / 3, 0, i * 30); // raw samples: no gamma conversion
        }
        float[] out = new ImageTransform(3, 3, false).apply(grey);
        for (int i = 0; i < 9; i++) {
            assertEquals(i * 30 / 255f, out[i]);
            assertEquals(i * 30 / 255f, out[9 + i]);
            assertEquals(i * 30 / 255f, out[18 + i]);
        }
        float[] luma = new ImageTransform(4, 4, true).apply(rgb(4, 4, BufferedImage.TYPE_INT_RGB));
        assertEquals(16, luma.length);
        assertEquals((0.299 * r(2, 1) + 0.587 * g(2, 1) + 0.114 * b(2, 1)) / 255, luma[4 + 2], 1e-6);
    }

    @Test
    void centreCropCutsTheMiddleOfTheLongerSide() {
        // 6 wide x 4 high, shorter side already 4: columns 1..4 are kept
        float[] wide = new ImageTransform(4, 4, false).apply(rgb(6, 4, BufferedImage.TYPE_INT_RGB));
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(r(x + 1, y) / 255f, wide[y * 4 + x]);
            }
        }
        // 4 wide x 7 high: offset (7 - 4) / 2 = 1, rows 1..4
        float[] tall = new ImageTransform(4, 4, false).apply(rgb(4, 7, BufferedImage.TYPE_INT_RGB));
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(b(x, y + 1) / 255f, tall[32 + y * 4 + x]);
            }
        }
        // resize first (8 -> 4 on the shorter side), then crop from the resized 4 x 6 (12 * 4 / 8): rows 1..2 of 2
        float[] both = new ImageTransform(4, 2, false).apply(rgb(8, 12, BufferedImage.TYPE_INT_RGB));
        assertEquals(12, both.length);
    }

    @Test
    void halvingAveragesWithTheStretchedTriangleKernel() {
        // 4 -> 2 along each axis: scale 2, kernel support 2 around centres 1 and 3 (in input pixel units);
        // weights 1 - |j + 0.5 - c| / 2 over j: output 0 <- {0: .75, 1: .75, 2: .25}, output 1 <- {1: .25, 2: .75,
        // 3: .75}, normalised by 1.75
        double[][] w = {{3 / 7.0, 3 / 7.0, 1 / 7.0, 0}, {0, 1 / 7.0, 3 / 7.0, 3 / 7.0}};
        BufferedImage img = rgb(4, 4, BufferedImage.TYPE_INT_RGB);
        float[] out = new ImageTransform(2, 2, false).apply(img);
        for (int oy = 0; oy < 2; oy++) {
            for (int ox = 0; ox < 2; ox++) {
                double er = 0;
                double eg = 0;
                for (int y = 0; y < 4; y++) {
                    for (int x = 0; x < 4; x++) {
                        er += w[oy][y] * w[ox][x] * r(x, y);
                        eg += w[oy][y] * w[ox][x] * g(x, y);
                    }
                }
                assertEquals(er / 255, out[oy * 2 + ox], 1e-6);
                assertEquals(eg / 255, out[4 + oy * 2 + ox], 1e-6);
            }
        }
    }
}
