package org.sparktrain.report;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.DefaultXYZDataset;

import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.Serializable;

/**
 * The confusion matrix of an {@link EvalResult} as a heatmap: predicted class on the x axis, true class on the y axis
 * (first class at the top), class names as tick labels. A cell's colour is its share of its true class
 * ({@code C[i][j] / support_i}, so the diagonal shows per-class accuracy whatever the class sizes), and the cell
 * shows its count as text when there are at most {@value #MAX_LABELLED_CLASSES} classes.
 */
public final class ConfusionMatrixChart {
    /** Most classes for which counts are written into the cells. */
    public static final int MAX_LABELLED_CLASSES = 40;
    private static final Color LOW = Color.WHITE;
    private static final Color HIGH = new Color(0x08306b);

    private ConfusionMatrixChart() {
    }

    /**
     * The heatmap of {@code eval}'s confusion matrix.
     *
     * @throws IllegalArgumentException when {@code eval} has no confusion matrix
     */
    public static JFreeChart create(EvalResult eval) {
        if (!eval.hasConfusionMatrix()) {
            throw new IllegalArgumentException("eval result of split " + eval.split() + " has no confusion matrix");
        }
        Headless.ensure();
        int k = eval.numClasses();
        long[] support = eval.support();
        double[][] xyz = new double[3][k * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                int c = i * k + j;
                xyz[0][c] = j;
                xyz[1][c] = i;
                xyz[2][c] = support[i] == 0 ? 0 : (double) eval.confusion(i, j) / support[i];
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("confusion", xyz);
        String[] names = eval.classNames().toArray(new String[0]);
        SymbolAxis predicted = axis("predicted class", names, k);
        SymbolAxis actual = axis("true class", names, k);
        actual.setInverted(true);
        XYBlockRenderer renderer = new XYBlockRenderer();
        FractionScale scale = new FractionScale();
        renderer.setPaintScale(scale);
        XYPlot plot = new XYPlot(data, predicted, actual, renderer);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setDomainAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
        plot.setBackgroundPaint(Color.WHITE);
        if (k <= MAX_LABELLED_CLASSES) {
            Font font = new Font(Font.SANS_SERIF, Font.PLAIN, k <= 10 ? 12 : k <= 20 ? 10 : 7);
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    XYTextAnnotation a = new XYTextAnnotation(Long.toString(eval.confusion(i, j)), j, i);
                    a.setFont(font);
                    a.setPaint(xyz[2][i * k + j] > 0.5 ? Color.WHITE : Color.BLACK);
                    plot.addAnnotation(a);
                }
            }
        }
        JFreeChart chart = new JFreeChart("Confusion matrix (" + eval.split() + ")",
                new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        NumberAxis legendAxis = new NumberAxis("share of true class");
        legendAxis.setRange(0, 1);
        legendAxis.setTickUnit(new NumberTickUnit(0.1));
        PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setMargin(new RectangleInsets(10, 10, 10, 10));
        legend.setStripWidth(12);
        legend.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(legend);
        return chart;
    }

    private static SymbolAxis axis(String label, String[] names, int k) {
        SymbolAxis axis = new SymbolAxis(label, names);
        axis.setRange(-0.5, k - 0.5);
        axis.setGridBandsVisible(false);
        axis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, k <= 20 ? 11 : 8));
        return axis;
    }

    /** White at 0 to dark blue at 1, linear in each RGB channel. */
    private static final class FractionScale implements PaintScale, Serializable {
        @Override
        public double getLowerBound() {
            return 0;
        }

        @Override
        public double getUpperBound() {
            return 1;
        }

        @Override
        public Paint getPaint(double value) {
            double t = Double.isFinite(value) ? Math.max(0, Math.min(1, value)) : 0;
            return new Color(mix(LOW.getRed(), HIGH.getRed(), t), mix(LOW.getGreen(), HIGH.getGreen(), t),
                    mix(LOW.getBlue(), HIGH.getBlue(), t));
        }

        private static int mix(int a, int b, double t) {
            return (int) Math.round(a + (b - a) * t);
        }
    }
}
