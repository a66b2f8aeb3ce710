package org.sparktrain.data;

/**
 * Input that sparktrain cannot use: a corrupt or truncated file, a count mismatch, a missing path, a bad config
 * value. The message always names the file (and line or record) or the config key at fault, so the CLI can print
 * it as-is and exit non-zero without a stack trace.
 */
public class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
