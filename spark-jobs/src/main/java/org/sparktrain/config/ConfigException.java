package org.sparktrain.config;

import org.sparktrain.data.BadInputException;

/** A configuration error: unknown key, bad value, missing required key. The message names the full key path. */
public class ConfigException extends BadInputException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
