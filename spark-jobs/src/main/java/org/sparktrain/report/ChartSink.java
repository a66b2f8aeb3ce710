package org.sparktrain.report;

import java.util.LinkedHashMap;
import java.util.Map;

/** Collects the report's charts by file name; {@link #add} returns the path the HTML refers to. */
public final class ChartSink {
    public static final String DIR = "report";
    private final Map<String, byte[]> charts = new LinkedHashMap<>();

    public String add(String fileName, byte[] png) {
        String name = fileName.replaceAll("[^A-Za-z0-9._-]", "_");
        charts.put(name, png);
        return DIR + "/" + name;
    }

    public Map<String, byte[]> charts() {
        return charts;
    }
}
