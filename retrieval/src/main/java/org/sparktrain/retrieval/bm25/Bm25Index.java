package org.sparktrain.retrieval.bm25;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.sparktrain.retrieval.eval.ScoredDoc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A BM25 index over a small corpus, built and searched entirely by Apache Lucene (9.12): Lucene's
 * {@link EnglishAnalyzer} (standard tokenizer, English possessive filter, lower case, English stop words, Porter
 * stemmer) analyses documents and queries, {@link BM25Similarity} scores (Robertson et al.; Lucene's defaults
 * k1 = 1.2, b = 0.75 unless given), and the index lives in memory ({@link ByteBuffersDirectory}).
 *
 * <p>A query text is analysed into terms and searched as a disjunction (one SHOULD clause per term occurrence, so a
 * repeated query term counts again, as in a bag-of-words query); no query syntax is parsed, so any text is a valid
 * query. Used as the retrieval baseline and for mining hard negatives ({@link #search(String, int, Set)} excludes
 * the judged positives). Ties in score are ranked by Lucene's internal document order (insertion order).
 */
public final class Bm25Index implements AutoCloseable {
    private static final String ID = "id";
    private static final String TEXT = "text";
    private final Analyzer analyzer;
    private final Directory directory;
    private final DirectoryReader reader;
    private final IndexSearcher searcher;
    private final int size;

    private Bm25Index(Analyzer analyzer, Directory directory, DirectoryReader reader, BM25Similarity similarity) {
        this.analyzer = analyzer;
        this.directory = directory;
        this.reader = reader;
        this.searcher = new IndexSearcher(reader);
        this.searcher.setSimilarity(similarity);
        this.size = reader.numDocs();
    }

    /** Indexes the documents (id to text, in iteration order) with k1 = 1.2, b = 0.75. */
    public static Bm25Index build(Map<String, String> documents) {
        return build(documents, 1.2f, 0.75f);
    }

    /** Indexes the documents (id to text) with the given BM25 parameters. */
    public static Bm25Index build(Map<String, String> documents, float k1, float b) {
        if (documents.isEmpty()) {
            throw new IllegalArgumentException("cannot index an empty corpus");
        }
        Analyzer analyzer = new EnglishAnalyzer();
        BM25Similarity similarity = new BM25Similarity(k1, b);
        Directory dir = new ByteBuffersDirectory();
        IndexWriterConfig config = new IndexWriterConfig(analyzer).setSimilarity(similarity);
        try (IndexWriter w = new IndexWriter(dir, config)) {
            for (Map.Entry<String, String> e : documents.entrySet()) {
                Document d = new Document();
                d.add(new StringField(ID, e.getKey(), Field.Store.YES));
                d.add(new TextField(TEXT, e.getValue() == null ? "" : e.getValue(), Field.Store.NO));
                w.addDocument(d);
            }
            w.forceMerge(1);
            w.commit();
            return new Bm25Index(analyzer, dir, DirectoryReader.open(dir), similarity);
        } catch (IOException e) {
            throw new UncheckedIOException("building the BM25 index failed", e);
        }
    }

    /** Number of indexed documents. */
    public int size() {
        return size;
    }

    /** The top {@code k} documents for a query text, best first. */
    public List<ScoredDoc> search(String queryText, int k) {
        return search(queryText, k, Set.of());
    }

    /**
     * The top {@code k} documents for a query text that are not in {@code excludeIds}, best first (fewer when the
     * query matches fewer documents). For hard-negative mining, pass the query's judged positives.
     */
    public List<ScoredDoc> search(String queryText, int k, Set<String> excludeIds) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        List<String> terms = analyze(queryText);
        if (terms.isEmpty()) {
            return List.of();
        }
        BooleanQuery.Builder q = new BooleanQuery.Builder();
        for (String t : terms) {
            q.add(new TermQuery(new Term(TEXT, t)), BooleanClause.Occur.SHOULD);
        }
        try {
            int want = Math.min(size, k + excludeIds.size());
            TopDocs top = searcher.search(q.build(), want);
            List<ScoredDoc> out = new ArrayList<>(k);
            var stored = searcher.storedFields();
            for (ScoreDoc sd : top.scoreDocs) {
                String id = stored.document(sd.doc).get(ID);
                if (!excludeIds.contains(id)) {
                    out.add(new ScoredDoc(id, sd.score));
                    if (out.size() == k) {
                        break;
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("BM25 search failed", e);
        }
    }

    /** Searches every query (id to text), top {@code k} each. */
    public Map<String, List<ScoredDoc>> searchAll(Map<String, String> queries, int k) {
        Map<String, List<ScoredDoc>> out = new LinkedHashMap<>();
        queries.forEach((id, text) -> out.put(id, search(text, k)));
        return out;
    }

    /** The analysed terms of a text (Lucene's EnglishAnalyzer), in order, with repeats. */
    public List<String> analyze(String text) {
        List<String> terms = new ArrayList<>();
        try (TokenStream ts = analyzer.tokenStream(TEXT, text == null ? "" : text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                terms.add(term.toString());
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return terms;
    }

    @Override
    public void close() throws IOException {
        reader.close();
        directory.close();
        analyzer.close();
    }
}
