package org.sparktrain.jobs.retrieval;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.retrieval.encoder.MiniLmFiles;
import org.sparktrain.retrieval.encoder.OnnxMiniLmEncoder;
import org.sparktrain.retrieval.eval.Run;
import org.sparktrain.retrieval.eval.ScoredDoc;
import org.sparktrain.retrieval.search.ExactTopK;
import org.sparktrain.testing.SharedSpark;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

@ExtendWith(SharedSpark.class)
class DistributedRetrievalSparkTest {
    @Test
    void distributedSearchEqualsSingleMachineExactTopKForAnyPartitioning(SparkSession spark) {
        Random rnd = new Random(11);
        int n = 500;
        int d = 8;
        List<Tuple2<String, float[]>> corpus = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            corpus.add(new Tuple2<>(String.format("doc-%03d", i), gaussian(rnd, d)));
        }
        float[][] queries = new float[6][];
        for (int i = 0; i < queries.length; i++) {
            queries[i] = gaussian(rnd, d);
        }
        List<String> queryIds = List.of("q0", "q1", "q2", "q3", "q4", "q5");
        // reference: one ExactTopK over the whole corpus in id order
        float[][] matrix = corpus.stream().map(Tuple2::_2).toArray(float[][]::new);
        List<String> docIds = corpus.stream().map(Tuple2::_1).toList();
        Run expected = ExactTopK.search(Nd4j.createFromArray(queries), Nd4j.createFromArray(matrix), 20, 64)
                .toRun(queryIds, docIds);

        List<Tuple2<String, float[]>> shuffled = new ArrayList<>(corpus);
        Collections.shuffle(shuffled, new Random(3));
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        for (int partitions : new int[] {1, 3, 7}) {
            Run got = DistributedRetrieval.search(jsc.parallelize(shuffled, partitions), queryIds, queries, 20, 16);
            for (String q : queryIds) {
                List<ScoredDoc> e = expected.ranking(q);
                List<ScoredDoc> g = got.ranking(q);
                assertEquals(e.stream().map(ScoredDoc::docId).toList(), g.stream().map(ScoredDoc::docId).toList(),
                        partitions + " partitions, " + q);
                for (int i = 0; i < e.size(); i++) {
                    assertEquals(e.get(i).score(), g.get(i).score(), 1e-5);
                }
            }
        }
    }

    @Test
    void mergeKeepsBestScoresAndBreaksTiesByLowerId() {
        DistributedRetrieval.Partial a = new DistributedRetrieval.Partial(new String[][] {{"b", "d"}},
                new double[][] {{0.9, 0.5}});
        DistributedRetrieval.Partial b = new DistributedRetrieval.Partial(new String[][] {{"a", "c"}},
                new double[][] {{0.5, 0.4}});
        DistributedRetrieval.Partial m = DistributedRetrieval.merge(a, b, 2);
        assertArrayEquals(new String[] {"b", "a"}, m.ids[0], "0.5 tie between d and a: a is kept");
        assertArrayEquals(new double[] {0.9, 0.5}, m.scores[0]);
        assertEquals(4, DistributedRetrieval.merge(a, b, 10).ids[0].length);
    }

    @Test
    void partitionWiseEncodingEqualsLocalEncoding(SparkSession spark) throws Exception {
        List<String> texts = List.of("what similarity laws must be obeyed when constructing aeroelastic models",
                "heat transfer in laminar boundary layers", "flutter of thin panels at supersonic speeds",
                "the effect of angle of attack on lift", "A man is eating food.", "It's so sunny outside!",
                "pressure distribution on an ogive forebody", "buckling of cylindrical shells under axial load");
        List<Tuple2<String, String>> docs = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            docs.add(new Tuple2<>("d" + i, texts.get(i)));
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<Tuple2<String, float[]>> encoded = DistributedRetrieval.encode(jsc.parallelize(docs, 2),
                OnnxMiniLmEncoder.factory(MiniLmFiles.MAX_SEQ_LENGTH, 1), 3);
        Map<String, float[]> byId = encoded.collect().stream().collect(Collectors.toMap(Tuple2::_1, Tuple2::_2));
        assertEquals(texts.size(), byId.size());
        float[][] local;
        try (OnnxMiniLmEncoder enc = OnnxMiniLmEncoder.load(MiniLmFiles.MAX_SEQ_LENGTH, 1)) {
            local = enc.encode(texts);
        }
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(local[i], byId.get("d" + i), 1e-5f, "text " + i);
        }
    }

    private static float[] gaussian(Random rnd, int d) {
        float[] v = new float[d];
        for (int i = 0; i < d; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }
}
