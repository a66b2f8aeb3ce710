package org.sparktrain.zoo.contrastive;

import org.junit.jupiter.api.Test;
import org.sparktrain.zoo.ImageShape;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageAugmentationTest {
    static final ImageShape SHAPE = new ImageShape(1, 28, 28);

    static float[] image(long seed) {
        Random r = new Random(seed);
        float[] x = new float[SHAPE.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        return x;
    }

    static ImageAugmentation standard() {
        return new ImageAugmentation(SHAPE, 0.3, 10, 2, 0.5, 0.05, 0, 1);
    }

    static ImageAugmentation.Draw plain(boolean flip, double shiftX, double shiftY) {
        return new ImageAugmentation.Draw(0, 0, 28, 28, 0, shiftX, shiftY, flip, 0);
    }

    @Test
    void viewsArePureFunctionsOfSeedEpochIdAndView() {
        ImageAugmentation a = standard();
        float[] x = image(1);
        assertArrayEquals(a.view(x, 7, 3, 12345L, 0), standard().view(x.clone(), 7, 3, 12345L, 0));
        assertFalse(java.util.Arrays.equals(a.view(x, 7, 3, 12345L, 0), a.view(x, 7, 3, 12345L, 1)), "view");
        assertFalse(java.util.Arrays.equals(a.view(x, 7, 3, 12345L, 0), a.view(x, 7, 4, 12345L, 0)), "epoch");
        assertFalse(java.util.Arrays.equals(a.view(x, 7, 3, 12345L, 0), a.view(x, 7, 3, 12346L, 0)), "id");
        assertFalse(java.util.Arrays.equals(a.view(x, 7, 3, 12345L, 0), a.view(x, 8, 3, 12345L, 0)), "seed");
    }

    @Test
    void identitySettingsReturnTheImageExactly() {
        float[] x = image(2);
        assertArrayEquals(x, ImageAugmentation.identity(SHAPE).view(x, 1, 0, 5, 0));
    }

    @Test
    void flipMirrorsAndIntegerShiftsMovePixelsExactly() {
        ImageAugmentation a = ImageAugmentation.identity(SHAPE);
        float[] x = image(3);
        float[] flipped = a.apply(x, plain(true, 0, 0));
        float[] shifted = a.apply(x, plain(false, 2, -1));
        for (int i = 0; i < 28; i++) {
            for (int j = 0; j < 28; j++) {
                assertEquals(x[i * 28 + 27 - j], flipped[i * 28 + j]);
                // content moves by t = (+2, -1): out(i, j) = in(i + 1, j - 2), 0 outside
                int si = i + 1;
                int sj = j - 2;
                float expected = si < 28 && sj >= 0 ? x[si * 28 + sj] : 0f;
                assertEquals(expected, shifted[i * 28 + j]);
            }
        }
    }

    @Test
    void aCropOfTheCentralHalfMagnifiesItTwofold() {
        ImageAugmentation a = ImageAugmentation.identity(SHAPE);
        float[] x = new float[SHAPE.size()];
        // a ramp along x: value = column index; a 14-wide crop starting at column 7 stretched to 28 columns
        for (int i = 0; i < 28; i++) {
            for (int j = 0; j < 28; j++) {
                x[i * 28 + j] = j;
            }
        }
        float[] out = a.apply(x, new ImageAugmentation.Draw(7, 7, 14, 14, 0, 0, 0, false, 0));
        for (int j = 1; j < 27; j++) {
            // out pixel j samples src x = cropCentre + (j - 13.5) * 0.5 = 13.5 + (j - 13.5)/2
            assertEquals(13.5 + (j - 13.5) / 2, out[10 * 28 + j], 1e-5);
        }
    }

    @Test
    void noiseHasTheConfiguredSpreadAndValuesStayInRange() {
        ImageAugmentation a = new ImageAugmentation(SHAPE, 1, 0, 0, 0, 0.05, 0, 1);
        float[] x = new float[SHAPE.size()];
        java.util.Arrays.fill(x, 0.5f);
        double sum = 0;
        double sq = 0;
        int n = 0;
        for (long id = 0; id < 50; id++) {
            for (float v : a.view(x, 1, 0, id, 0)) {
                sum += v - 0.5;
                sq += (v - 0.5) * (v - 0.5);
                n++;
            }
        }
        double mean = sum / n;
        double std = Math.sqrt(sq / n - mean * mean);
        assertEquals(0, mean, 0.002);
        assertEquals(0.05, std, 0.002);
        for (float v : standard().view(image(4), 1, 0, 9, 1)) {
            assertTrue(v >= 0 && v <= 1);
        }
    }

    @Test
    void drawsStayInTheirBounds() {
        ImageAugmentation a = standard();
        int flips = 0;
        for (long id = 0; id < 400; id++) {
            ImageAugmentation.Draw d = a.draw(3, 1, id, 0);
            double area = d.cropWidth() * d.cropHeight() / (28.0 * 28.0);
            assertTrue(area <= 1 + 1e-12 && area >= 0.3 * 3 / 4.0 - 1e-9, "area " + area);
            assertTrue(d.cropX0() >= 0 && d.cropX0() + d.cropWidth() <= 28 + 1e-9);
            assertTrue(d.cropY0() >= 0 && d.cropY0() + d.cropHeight() <= 28 + 1e-9);
            assertTrue(Math.abs(d.rotation()) <= Math.toRadians(10) && Math.abs(d.shiftX()) <= 2
                    && Math.abs(d.shiftY()) <= 2);
            flips += d.flip() ? 1 : 0;
        }
        assertTrue(flips > 150 && flips < 250, "about half flipped: " + flips);
        assertThrows(IllegalArgumentException.class, () -> new ImageAugmentation(SHAPE, 0, 0, 0, 0, 0, 0, 1));
    }
}
