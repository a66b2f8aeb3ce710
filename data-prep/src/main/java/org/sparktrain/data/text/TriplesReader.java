package org.sparktrain.data.text;

import org.sparktrain.data.BadInputException;
import org.sparktrain.data.BadRecords;
import org.sparktrain.data.SourceFile;

import java.util.Locale;

/**
 * Reads MS MARCO training triples, three tab-separated fields per line: ids ({@code qid\tpid+\tpid-}, e.g.
 * {@code qidpidtriples.train.full.tsv}) or texts ({@code query\tpositive passage\tnegative passage},
 * {@code triples.train.small.tsv}). The format is given or, with {@link Format#AUTO}, taken from the first line:
 * ids when none of its three fields contains white space. A line with another field count, an empty field, or
 * (in id mode) white space inside an id is a {@link BadRecords#MALFORMED_LINE}.
 */
public final class TriplesReader extends TextRecordReader<Triple> {
    /** How the triples are given. */
    public enum Format {
        AUTO, IDS, TEXT;

        /** {@code auto}, {@code ids} or {@code text} (any case); anything else names the config key. */
        public static Format parse(String value) {
            for (Format f : values()) {
                if (f.name().equalsIgnoreCase(value)) {
                    return f;
                }
            }
            throw new BadInputException("triplesFormat: must be auto, ids or text, got '" + value + "'");
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private Format format;

    public TriplesReader(SourceFile file, Format format, BadRecords bad) {
        super(file, bad);
        this.format = format;
    }

    @Override
    protected Triple read() {
        for (String line = nextContentLine(); line != null; line = nextContentLine()) {
            String[] f = line.split("\t", -1);
            if (f.length != 3) {
                malformed(f.length + " tab-separated fields, a triple has 3 (query, positive, negative)");
                continue;
            }
            if (f[0].isBlank() || f[1].isBlank() || f[2].isBlank()) {
                malformed("empty field in a triple");
                continue;
            }
            if (format == Format.AUTO) {
                format = isId(f[0]) && isId(f[1]) && isId(f[2]) ? Format.IDS : Format.TEXT;
            }
            if (format == Format.TEXT) {
                return Triple.ofText(f[0].trim(), f[1].trim(), f[2].trim(), lines.location());
            }
            if (!isId(f[0]) || !isId(f[1]) || !isId(f[2])) {
                malformed("white space inside an id of an id triple (qid<TAB>pid+<TAB>pid-)");
                continue;
            }
            return Triple.ofIds(f[0].trim(), f[1].trim(), f[2].trim(), lines.location());
        }
        return null;
    }

    private static boolean isId(String s) {
        return !s.trim().isEmpty() && !s.trim().matches(".*\\s.*");
    }
}
