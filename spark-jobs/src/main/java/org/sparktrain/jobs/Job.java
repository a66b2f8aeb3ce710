package org.sparktrain.jobs;

/**
 * One sparktrain job ({@code prepare}, {@code train-classifier}, ...), run by the CLI or a notebook.
 *
 * @param <C> the job's immutable config record (defaults and validation in its constructor)
 */
public interface Job<C> {
    /** The CLI name, e.g. {@code train-classifier}. */
    String name();

    /** One line for {@code sparktrain --help}. */
    String description();

    Class<C> configType();

    /** The config key that {@code --run-id} overrides, or null if the job has no run id. */
    default String runIdKey() {
        return null;
    }

    /** The config section holding the job's {@link SparkConfig} ({@code --master} sets its {@code master}). */
    default String sparkKey() {
        return "spark";
    }

    /**
     * Checks that the job can run (inputs exist, outputs are writable) without doing the work; used by
     * {@code --dry-run} (scheduler validation) and at the start of {@link #run}.
     */
    default void validate(C config, JobContext context) {
    }

    void run(C config, JobContext context) throws Exception;
}
