package org.sparktrain.retrieval.encoder;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.zoo.bert.BertParameters;
import org.sparktrain.zoo.bert.BertTokenBatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SameDiff MiniLM against ONNX Runtime running the original graph, on the same token ids and batches. */
class MiniLmSameDiffEncoderTest {
    /** 60 sentences: 1 to ~100 word pieces, punctuation, numbers, casing, accents, non-Latin scripts, symbols. */
    static final List<String> SENTENCES = List.of(
            "Hi",
            "",
            "?",
            "Boundary layer.",
            "WHAT IS THE CRITICAL REYNOLDS NUMBER?",
            "what is the critical reynolds number?",
            "The weather is lovely today.",
            "It's so sunny outside!",
            "He drove to the stadium.",
            "Café, naïve, résumé, façade, coöperate, jalapeño.",
            "Ångström-scale roughness on the Möbius strip's surface (≈ 3.2 µm).",
            "Zürich → München: 304 km, 3h 15min; €49.90 per ticket!!!",
            "π ≈ 3.14159, e ≈ 2.71828 and √2 ≈ 1.41421.",
            "Mach 2.5 flow over a 10° wedge at an altitude of 35,000 ft.",
            "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15",
            "2026-11-27T08:35:00Z",
            "e-mail: someone@example.org, url: https://example.org/a/b?c=d&e=f",
            "Москва — столица России.",
            "Αθήνα είναι η πρωτεύουσα της Ελλάδας.",
            "東京は日本の首都です。",
            "The quick brown fox jumps over the lazy dog.",
            "the QUICK brown FOX jumps OVER the lazy DOG",
            "Don't, can't, won't; shouldn't've... y'all'd've!",
            "\"Quoted\" text with 'single' quotes and (parentheses) [brackets] {braces}.",
            "supercalifragilisticexpialidocious antidisestablishmentarianism",
            "Heat transfer in a laminar boundary layer with a pressure gradient.",
            "an experimental study of the flutter of thin panels at supersonic speeds",
            "Can the transition point on a swept wing be predicted from two-dimensional data?",
            "What similarity laws must be obeyed when constructing aeroelastic models of heated high speed aircraft?",
            "Papers on shock-sound wave interaction.",
            "#hashtag @mention $100 50% 3/4 x^2 a_b c*d",
            "Tab\tseparated\tvalues and\nnew lines\r\nin one text.",
            "😀 emoji 🚀 rockets 🌍 and the world",
            "naive NAÏVE Naïve naïvety",
            "The committee met on 12 March 1958 to discuss Report No. 1234-B (revised).",
            "x",
            "OK.",
            "Yes! No? Maybe...",
            "A a A a A a A a",
            "It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of "
                    + "foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the season of "
                    + "Light, it was the season of Darkness, it was the spring of hope, it was the winter of despair.",
            "The aerodynamic heating of a blunt body in hypersonic flow depends strongly on the nose radius, the "
                    + "free-stream Mach number and the wall temperature; experiments in a shock tunnel at Mach 8 to 12 "
                    + "showed stagnation-point heat-transfer rates within 15 per cent of the Fay-Riddell theory, while "
                    + "the distribution around the body agreed with Lees' local-similarity solution to 20 per cent.",
            "In 1905, Albert Einstein published four papers: on the photoelectric effect, Brownian motion, special "
                    + "relativity, and mass-energy equivalence (E = mc²). Each changed physics; together they made "
                    + "1905 his \"annus mirabilis\". Later, in 1915, he completed general relativity.",
            "Numbers: 0, 1, 10, 100, 1000, 10000, 3.5, -2.25, 6.02e23, 1/3, 0x1F, 1,234,567.89, IV, XLII.",
            "Ça va? Très bien, merci! Et toi? Où est la bibliothèque? À gauche, près de l'hôtel de ville.",
            "Straße, Fußgänger, Öl, Äpfel, Übermut — deutsche Wörter mit Umlauten.",
            "El niño comió piñatas en España; ¿por qué? ¡Porque sí!",
            "São Paulo, Florianópolis e Belém são cidades do Brasil.",
            "Łódź, Kraków, Gdańsk and Wrocław are cities in Poland.",
            "The quick brown fox. The quick brown fox. The quick brown fox. The quick brown fox.",
            "Retrieval-augmented generation (RAG) combines a dense retriever with a seq2seq generator.",
            "BM25 scores documents by idf-weighted, saturated term frequencies with length normalisation.",
            "Self-distillation with adaptive relevance margins uses the encoder's own document similarity as target.",
            "A very long run of words to reach one hundred word pieces: alpha beta gamma delta epsilon zeta eta theta "
                    + "iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega, then again "
                    + "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma "
                    + "tau upsilon phi chi psi omega, and once more alpha beta gamma delta epsilon zeta eta theta iota "
                    + "kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega; that makes three.",
            "What are the effects of initial imperfections on the buckling of thin cylindrical shells under axial "
                    + "compression, and how well do the classical small-deflection theory and the large-deflection "
                    + "theory of von Kármán and Tsien predict the loads measured in careful experiments?",
            "Short.",
            "MIXED case WoRdS In A SeNtEnCe",
            "[CLS] special tokens [SEP] inside [MASK] text",
            "C++ and C# and F# are languages; so are Go, Rust, Java 17 and Python 3.12.",
            "He said: «Bonjour» and she replied: „Guten Tag“ — then they left…",
            "Temperature rose from -40 °C to +85 °C within 2.5 s (i.e. 50 K/s).");

    private static MiniLmSameDiffEncoder sameDiff;
    private static OnnxMiniLmEncoder onnx;

    @BeforeAll
    static void load() throws Exception {
        sameDiff = MiniLmSameDiffEncoder.load(MiniLmFiles.MAX_SEQ_LENGTH);
        onnx = OnnxMiniLmEncoder.load(MiniLmFiles.MAX_SEQ_LENGTH, 2);
    }

    @AfterAll
    static void close() throws Exception {
        onnx.close();
    }

    /** Every sentence, in batches of 7 whose members have very different lengths (padding + attention mask). */
    @Test
    void embeddingsMatchOnnxRuntimeOnEverySentence() {
        int minTokens = Integer.MAX_VALUE;
        int maxTokens = 0;
        for (String s : SENTENCES) {
            int n = sameDiff.tokenizer().encode(s, sameDiff.maxLength()).length - 2;
            minTokens = Math.min(minTokens, n);
            maxTokens = Math.max(maxTokens, n);
        }
        float[][] a = sameDiff.encode(SENTENCES, 7);
        float[][] b = onnx.encode(SENTENCES, 7);
        double min = 1;
        int worst = -1;
        for (int i = 0; i < SENTENCES.size(); i++) {
            assertEquals(1.0, dot(a[i], a[i]), 1e-5, "SameDiff embedding " + i + " is L2-normalised");
            double cos = dot(a[i], b[i]) / Math.sqrt(dot(a[i], a[i]) * dot(b[i], b[i]));
            if (cos < min) {
                min = cos;
                worst = i;
            }
        }
        System.out.printf("MiniLM SameDiff vs ONNX Runtime: %d sentences (%d..%d word pieces), batches of 7, "
                + "min cosine %.9f (1 - min = %.2e, sentence %d)%n", SENTENCES.size(), minTokens, maxTokens, min,
                1 - min, worst);
        assertTrue(SENTENCES.size() >= 50);
        assertTrue(minTokens <= 1 && maxTokens >= 100, minTokens + ".." + maxTokens);
        assertTrue(min >= 0.999, "min cosine " + min + " at sentence " + worst + ": " + SENTENCES.get(worst));
    }

    /** Hidden states token by token, on one padded batch of a short and a ~100-piece sentence. */
    @Test
    void lastHiddenStatesMatchOnnxRuntime() {
        int longest = 0;
        for (int i = 0; i < SENTENCES.size(); i++) {
            if (SENTENCES.get(i).length() > SENTENCES.get(longest).length()) {
                longest = i;
            }
        }
        List<String> texts = List.of(SENTENCES.get(0), SENTENCES.get(longest), SENTENCES.get(11));
        BertTokenBatch batch = sameDiff.tokenize(texts);
        INDArray h = sameDiff.model().lastHiddenState(batch);
        int[][] ids = sameDiff.tokenizer().encodeAll(texts, sameDiff.maxLength());
        float[][][] ref = onnx.lastHiddenState(ids);
        double worst = 0;
        double scale = 0;
        for (int b = 0; b < ids.length; b++) {
            for (int t = 0; t < ids[b].length; t++) {
                for (int k = 0; k < 384; k++) {
                    worst = Math.max(worst, Math.abs(ref[b][t][k] - h.getDouble(b, t, k)));
                    scale = Math.max(scale, Math.abs(ref[b][t][k]));
                }
            }
        }
        System.out.printf("MiniLM last hidden state, SameDiff vs ONNX Runtime: max |diff| %.3e (max |h| %.2f)%n",
                worst, scale);
        assertTrue(worst < 1e-3, "max |diff| " + worst);
    }

    /** The similarities the sentence-transformers documentation prints for this model (as the ONNX test). */
    @Test
    void reproducesSentenceTransformersDocumentedSimilarities() {
        float[][] e = sameDiff.encode(List.of("The weather is lovely today.", "It's so sunny outside!",
                "He drove to the stadium."));
        assertEquals(0.6660, dot(e[0], e[1]), 1e-4);
        assertEquals(0.1046, dot(e[0], e[2]), 1e-4);
        assertEquals(0.1411, dot(e[1], e[2]), 1e-4);
    }

    /**
     * On the real 22.6M-parameter model (fp32): a small step against the gradient of L = Σ U ⊙ G lowers L by the
     * first-order amount η‖∇L‖² (within 10 %), and only the word-embedding rows of the batch's tokens get gradient.
     */
    @Test
    void gradientOfTheFullModelPredictsTheChangeOfALoss() {
        BertTokenBatch batch = sameDiff.tokenize(List.of("heat transfer in a boundary layer", "Mach 2.5 flow"));
        Random rng = new Random(5);
        INDArray g = Nd4j.zeros(DataType.FLOAT, 2, 384);
        for (long i = 0; i < g.length(); i++) {
            g.putScalar(i, rng.nextGaussian());
        }
        INDArray saved = sameDiff.params().dup();
        try {
            double before = sameDiff.model().sentenceEmbeddings(batch).mul(g).sumNumber().doubleValue();
            sameDiff.model().backward(batch, g);
            INDArray grad = sameDiff.gradient().dup();
            double sq = grad.norm2Number().doubleValue();
            sq *= sq;
            assertTrue(sq > 0 && Double.isFinite(sq));
            INDArray words = sameDiff.model().gradientTensors().tensor(BertParameters.WORD_EMBEDDINGS);
            int unused = sameDiff.tokenizer().encode("zebra", 8)[1];
            assertEquals(0.0, words.getRow(unused).norm2Number().doubleValue(), 0.0);
            assertTrue(words.getRow(batch.id(0, 1)).norm2Number().doubleValue() > 0);
            double eta = 1e-3 / Math.sqrt(sq);
            sameDiff.params().subi(grad.mul(eta));
            double after = sameDiff.model().sentenceEmbeddings(batch).mul(g).sumNumber().doubleValue();
            double ratio = (before - after) / (eta * sq);
            System.out.printf("MiniLM full-model gradient: |grad| %.4f, actual/predicted decrease %.4f%n",
                    Math.sqrt(sq), ratio);
            assertEquals(1.0, ratio, 0.1);
        } finally {
            sameDiff.params().assign(saved);
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
