package org.sparktrain.jobs.moe;

import org.sparktrain.config.Check;

/**
 * The text corpus of the MoE language model ({@code train-moe} with {@code model.type: moe-lm}; config section
 * {@code text}). The documents come from a prepared text dataset's corpus table ({@code sparktrain prepare} with
 * source {@code cranfield}, {@code text-lines}, {@code jsonl}, {@code beir}, {@code msmarco}).
 *
 * @param table           table of documents; default {@code corpus}
 * @param validationEvery held-out documents: those whose 0-based {@code id} is a multiple of this number form the
 *                        validation split (perplexity, MaxVio_global); default 10; 0 = no validation
 * @param minCount        a word enters the vocabulary if it occurs at least this often in the training documents;
 *                        default 2
 * @param maxVocab        vocabulary size including {@code <unk>} and {@code <eos>}; default 2000
 */
public record TextConfig(String table, Integer validationEvery, Integer minCount, Integer maxVocab)
        implements java.io.Serializable {
    public TextConfig {
        table = table == null ? "corpus" : table;
        validationEvery = Check.atLeast("validationEvery", validationEvery, 10, 0);
        if (validationEvery == 1) {
            throw new IllegalArgumentException("validationEvery: 1 would hold out every document; use 0 (none) or >= 2");
        }
        minCount = Check.atLeast("minCount", minCount, 2, 1);
        maxVocab = Check.atLeast("maxVocab", maxVocab, 2000, 3);
    }

    public static TextConfig defaults() {
        return new TextConfig(null, null, null, null);
    }

    public boolean hasValidation() {
        return validationEvery > 0;
    }

    /** Whether the document with 0-based position {@code id} is held out for validation. */
    public boolean heldOut(long id) {
        return validationEvery > 0 && id % validationEvery == 0;
    }
}
