package org.sparktrain.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of the data-prep module, read from the Maven-filtered {@code build.properties} resource. Recorded in
 * every prepared dataset's manifest ({@code createdBy}) and sent as the HTTP User-Agent of downloads.
 */
public final class BuildInfo {
    private static final String VERSION = load();

    private BuildInfo() {
    }

    /** The project version, e.g. {@code 0.1.0-SNAPSHOT}; {@code "dev"} when the resource was not filtered. */
    public static String version() {
        return VERSION;
    }

    /** {@code "sparktrain-data-prep/<tool> <version>"}: the {@code createdBy} string of a manifest. */
    public static String createdBy(String tool) {
        return "sparktrain-data-prep/" + tool + " " + VERSION;
    }

    private static String load() {
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "dev");
            return v.startsWith("${") ? "dev" : v;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read build.properties of sparktrain-data-prep", e);
        }
    }
}
