package org.sparktrain.jobs.grownet;

import org.sparktrain.config.Check;

import java.util.List;

/**
 * Data of {@code train-grownet}.
 *
 * @param format          {@code fann} (FANN training-data files, e.g. Debian's libfann-doc datasets); default fann
 * @param train           training file on any Hadoop path (required)
 * @param test            test file, evaluated once with the chosen model (optional)
 * @param validationEvery every n-th record (index mod n == 0) of the training file is held out for validation
 *                        (choice of the number of stages, early stopping); 0 = no validation; default 10
 */
public record GrowNetDataConfig(String format, String train, String test, Integer validationEvery)
        implements java.io.Serializable {
    public GrowNetDataConfig {
        format = Check.oneOf("format", format, "fann", List.of("fann"));
        Check.required("train", train);
        validationEvery = Check.atLeast("validationEvery", validationEvery, 10, 0);
        if (validationEvery == 1) {
            throw new IllegalArgumentException("validationEvery: 1 would hold out every record; use 0 or >= 2");
        }
    }
}
