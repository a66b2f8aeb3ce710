package org.sparktrain.data.text;

import org.sparktrain.data.BadRecords;
import org.sparktrain.data.SourceFile;

/**
 * Reads the tab-separated id/text files of MS MARCO (Bajaj et al., "MS MARCO: A Human Generated MAchine Reading
 * COmprehension Dataset", 2016, arXiv:1611.09268): {@code collection.tsv} ({@code pid\ttext}) and
 * {@code queries.*.tsv} ({@code qid\ttext}). A document file may instead have 3 columns ({@code id\ttitle\ttext},
 * as in corpora with titles) or 4 ({@code docid\turl\ttitle\tbody}, the MS MARCO document collection); the first
 * line fixes the column count. A line with another count or an empty id is a {@link BadRecords#MALFORMED_LINE}.
 *
 * @param <T> {@link CorpusDocument} or {@link TextQuery}
 */
public final class MsMarcoTsvReader<T> extends TextRecordReader<T> {
    private final boolean documents;
    private int columns;

    private MsMarcoTsvReader(SourceFile file, BadRecords bad, boolean documents) {
        super(file, bad);
        this.documents = documents;
        this.columns = documents ? 0 : 2;
    }

    /** The documents of a collection file. */
    public static MsMarcoTsvReader<CorpusDocument> documents(SourceFile file, BadRecords bad) {
        return new MsMarcoTsvReader<>(file, bad, true);
    }

    /** The queries of a queries file. */
    public static MsMarcoTsvReader<TextQuery> queries(SourceFile file, BadRecords bad) {
        return new MsMarcoTsvReader<>(file, bad, false);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected T read() {
        for (String line = nextContentLine(); line != null; line = nextContentLine()) {
            String[] f = line.split("\t", -1);
            if (columns == 0) {
                if (f.length < 2 || f.length > 4) {
                    malformed(f.length + " tab-separated fields; a collection line is id<TAB>text (or id<TAB>title"
                            + "<TAB>text, or docid<TAB>url<TAB>title<TAB>body)");
                    continue;
                }
                columns = f.length;
            }
            if (f.length != columns) {
                malformed(f.length + " tab-separated fields, expected " + columns + (documents ? " (as on the first "
                        + "line)" : " (id<TAB>text)"));
                continue;
            }
            String id = f[0].trim();
            if (id.isEmpty()) {
                malformed("empty id");
                continue;
            }
            if (!documents) {
                return (T) new TextQuery(id, f[1].trim());
            }
            return (T) switch (columns) {
                case 2 -> new CorpusDocument(id, "", f[1].trim());
                case 3 -> new CorpusDocument(id, f[1].trim(), f[2].trim());
                default -> new CorpusDocument(id, f[2].trim(), f[3].trim());
            };
        }
        return null;
    }
}
