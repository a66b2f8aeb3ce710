package org.sparktrain.report;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.GraphicsEnvironment;

/**
 * Makes AWT headless before the first chart is drawn: Spark drivers run on machines without a display, and a
 * non-headless AWT would try to reach one. Charts are drawn into off-screen images either way, so a JVM that was
 * explicitly started with {@code -Djava.awt.headless=false} is left alone.
 */
final class Headless {
    private static final Logger LOG = LoggerFactory.getLogger(Headless.class);
    private static volatile boolean checked;

    private Headless() {
    }

    /** Sets {@code java.awt.headless=true} unless the property was set; idempotent. */
    static void ensure() {
        if (checked) {
            return;
        }
        synchronized (Headless.class) {
            if (System.getProperty("java.awt.headless") == null) {
                System.setProperty("java.awt.headless", "true");
            }
            if (!GraphicsEnvironment.isHeadless()) {
                LOG.debug("AWT is not headless (java.awt.headless={}); charts are still drawn off-screen",
                        System.getProperty("java.awt.headless"));
            }
            checked = true;
        }
    }
}
