package org.sparktrain.data;

/**
 * A data set that is not on this machine and cannot be fetched (not installed, registry unreachable, HTTP error).
 * The message says where sparktrain looked and how to make the data available (the package to install, the command
 * to run, the config key or environment variable that points at a copy). It is a {@link BadInputException}, so the
 * CLI prints it as-is and exits non-zero.
 */
public class DataUnavailableException extends BadInputException {
    public DataUnavailableException(String message) {
        super(message);
    }

    public DataUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
