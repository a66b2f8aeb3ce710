package org.sparktrain.testing;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving every {@code *SparkTest} the same local SparkSession, created once per test JVM and
 * stopped when the JVM exits (tests never stop it). {@code local[2,4]}: two task slots (two workers) and up to
 * four attempts per task, so fault-injection tests can see Spark retry a failed task.
 */
public final class SharedSpark implements ParameterResolver {
    private static SparkSession session;

    public static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder()
                    .master("local[2,4]")
                    .appName("sparktrain-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                    .config("spark.kryo.registrator", "org.sparktrain.engine.SparktrainKryoRegistrator")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.adaptive.enabled", "false")
                    .getOrCreate();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> session.stop()));
        }
        return session;
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == SparkSession.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return session();
    }
}
