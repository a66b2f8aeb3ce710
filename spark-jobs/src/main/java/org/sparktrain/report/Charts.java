package org.sparktrain.report;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Chart rendering with JFreeChart (headless) into 800x450 PNG bytes. */
public final class Charts {
    public static final int WIDTH = 800;
    public static final int HEIGHT = 450;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {
    }

    /** One named line: x and y values of equal length. */
    public record Series(String name, double[] x, double[] y) {
    }

    public static byte[] lines(String title, String xLabel, String yLabel, List<Series> series) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Series s : series) {
            XYSeries xy = new XYSeries(s.name(), false, true);
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.y()[i])) {
                    xy.add(s.x()[i], s.y()[i]);
                }
            }
            data.addSeries(xy);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL,
                series.size() > 1, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, series.stream().anyMatch(s -> s.x().length < 30));
        plot.setRenderer(renderer);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        return png(chart);
    }

    /** A confusion matrix as a heatmap (rows = true class, columns = predicted), counts written in the cells. */
    public static byte[] confusion(String title, long[][] matrix, List<String> names) {
        int k = matrix.length;
        double[] xs = new double[k * k];
        double[] ys = new double[k * k];
        double[] zs = new double[k * k];
        long max = 1;
        for (long[] row : matrix) {
            for (long v : row) {
                max = Math.max(max, v);
            }
        }
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) {
                int i = t * k + p;
                xs[i] = p;
                ys[i] = t;
                zs[i] = matrix[t][p];
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("counts", new double[][]{xs, ys, zs});
        String[] labels = names.toArray(String[]::new);
        SymbolAxis predicted = new SymbolAxis("predicted class", labels);
        SymbolAxis truth = new SymbolAxis("true class", labels);
        truth.setInverted(true);
        XYBlockRenderer renderer = new XYBlockRenderer();
        LookupPaintScale scale = new LookupPaintScale(0, max + 1, Color.WHITE);
        for (int s = 0; s <= 20; s++) {
            double v = Math.pow(s / 20.0, 2) * max;
            int shade = (int) (255 - 200 * s / 20.0);
            scale.add(v, new Color(shade, shade, 255));
        }
        renderer.setPaintScale(scale);
        XYPlot plot = new XYPlot(data, predicted, truth, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, k > 12 ? 8 : 11);
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) {
                XYTextAnnotation a = new XYTextAnnotation(Long.toString(matrix[t][p]), p, t);
                a.setFont(font);
                a.setPaint(matrix[t][p] > max * 0.6 ? Color.WHITE : Color.BLACK);
                plot.addAnnotation(a);
            }
        }
        JFreeChart chart = new JFreeChart(title, plot);
        chart.removeLegend();
        NumberAxis legendAxis = new NumberAxis("count");
        PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        chart.addSubtitle(legend);
        chart.setBackgroundPaint(Color.WHITE);
        return png(chart);
    }

    /** Moving average over a trailing window (the first points average what exists). */
    public static double[] movingAverage(double[] y, int window) {
        double[] out = new double[y.length];
        double sum = 0;
        int n = 0;
        for (int i = 0; i < y.length; i++) {
            sum += y[i];
            n++;
            if (n > window) {
                sum -= y[i - window];
                n--;
            }
            out[i] = sum / n;
        }
        return out;
    }

    private static byte[] png(JFreeChart chart) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render chart " + chart.getTitle(), e);
        }
        return out.toByteArray();
    }
}
