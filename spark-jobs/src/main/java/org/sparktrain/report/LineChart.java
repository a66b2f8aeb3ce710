package org.sparktrain.report;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds a styled XY line chart of one or more {@link Series}: white background, light grid, integer x ticks
 * (steps, epochs), y range fitted to the data rather than to zero. A series with few points is drawn with point
 * markers. {@link #addWithTrend} draws a noisy curve faintly and its {@link MovingAverage} on top. Series are
 * thinned to {@value #MAX_POINTS} points for drawing ({@link Series#decimated}).
 */
public final class LineChart {
    /** Most points drawn per series. */
    public static final int MAX_POINTS = 4000;
    /** Series with at most this many points get point markers. */
    public static final int MARKER_POINTS = 60;
    static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
            new Color(0xbcbd22), new Color(0x17becf)};

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final XYSeriesCollection data = new XYSeriesCollection();
    private final List<Color> colors = new ArrayList<>();
    private final List<Boolean> markers = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final List<Double> verticalLines = new ArrayList<>();
    private int nextColor;

    /** A chart with this title and axis labels (plain text). */
    public LineChart(String title, String xLabel, String yLabel) {
        Headless.ensure();
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Adds a series in the next palette colour; empty series are left out. */
    public LineChart add(Series s) {
        add(s, PALETTE[nextColor++ % PALETTE.length], s.size() <= MARKER_POINTS);
        return this;
    }

    /**
     * Adds a series; when it is {@linkplain MovingAverage#isNoisy noisy}, draws it in a faint colour with its moving
     * average in the full colour.
     */
    public LineChart addWithTrend(Series raw) {
        if (!MovingAverage.isNoisy(raw)) {
            return add(raw);
        }
        Color c = PALETTE[nextColor++ % PALETTE.length];
        add(raw, new Color(c.getRed(), c.getGreen(), c.getBlue(), 90), false);
        add(MovingAverage.of(raw, MovingAverage.defaultWindow(raw.size())), c, false);
        return this;
    }

    /** Draws dashed vertical lines at these x values (e.g. epoch boundaries). */
    public LineChart verticalLines(List<Double> xs) {
        verticalLines.addAll(xs);
        return this;
    }

    /** True when no non-empty series was added. */
    public boolean isEmpty() {
        return data.getSeriesCount() == 0;
    }

    /** The chart. */
    public JFreeChart build() {
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL,
                data.getSeriesCount() > 1, false, false);
        XYPlot plot = chart.getXYPlot();
        style(chart);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesPaint(i, colors.get(i));
            renderer.setSeriesStroke(i, new BasicStroke(1.6f));
            renderer.setSeriesShapesVisible(i, markers.get(i));
        }
        plot.setRenderer(renderer);
        NumberAxis x = (NumberAxis) plot.getDomainAxis();
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        for (double v : verticalLines) {
            ValueMarker m = new ValueMarker(v, Color.GRAY, new BasicStroke(1f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER, 10f, new float[]{4f, 4f}, 0f));
            plot.addDomainMarker(m);
        }
        return chart;
    }

    /** The report's look for any chart: white background, light grid, modest title. */
    static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        chart.setAntiAlias(true);
        if (chart.getPlot() instanceof XYPlot plot) {
            plot.setBackgroundPaint(Color.WHITE);
            plot.setDomainGridlinePaint(new Color(0xdddddd));
            plot.setRangeGridlinePaint(new Color(0xdddddd));
            plot.setOutlinePaint(new Color(0xaaaaaa));
        }
    }

    private void add(Series s, Color color, boolean withMarkers) {
        if (s.isEmpty()) {
            return;
        }
        String name = s.name();
        for (int k = 2; names.contains(name); k++) {
            name = s.name() + " (" + k + ")";
        }
        names.add(name);
        Series drawn = s.decimated(MAX_POINTS);
        XYSeries xy = new XYSeries(name, false, true);
        for (int i = 0; i < drawn.size(); i++) {
            xy.add(drawn.x(i), drawn.y(i), false);
        }
        data.addSeries(xy);
        colors.add(color);
        markers.add(withMarkers);
    }
}
