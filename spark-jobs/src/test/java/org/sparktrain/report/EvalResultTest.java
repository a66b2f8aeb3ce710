package org.sparktrain.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.sparktrain.data.BadInputException;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvalResultTest {
    static EvalResult eval(String json) throws IOException {
        return EvalResult.from(new ObjectMapper().readTree(json), "eval.json");
    }

    @Test
    void perClassAccuracyAndPrecisionFromTheMatrix() throws IOException {
        // rows = true class: class 0 has 9 of 10 right, class 1 8 of 10, class 2 none (support 0)
        EvalResult e = eval("{\"split\":\"test\",\"count\":20,\"accuracy\":0.85,"
                + "\"confusionMatrix\":[[9,1,0],[2,8,0],[0,0,0]],\"classNames\":[\"a\",\"b\",\"c\"]}");
        assertArrayEquals(new long[]{10, 10, 0}, e.support());
        assertArrayEquals(new double[]{0.9, 0.8, Double.NaN}, e.perClassAccuracy(), 1e-15);
        // predicted columns: class 0 predicted 11 times (9 right), class 1 9 times (8 right), class 2 never
        assertArrayEquals(new double[]{9.0 / 11, 8.0 / 9, Double.NaN}, e.perClassPrecision(), 1e-15);
        assertEquals(List.of("a", "b", "c"), e.classNames());
        assertTrue(e.inconsistencies().isEmpty(), e.inconsistencies().toString());
        assertEquals(0.85, e.accuracy());
    }

    @Test
    void disagreementsWithTheMatrixAreListed() throws IOException {
        EvalResult e = eval("{\"count\":21,\"accuracy\":0.5,\"perClassAccuracy\":[0.9,0.7],"
                + "\"confusionMatrix\":[[9,1],[2,8]]}");
        List<String> problems = e.inconsistencies();
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("count is 21 but the confusion matrix sums to 20"));
        assertTrue(problems.get(1).contains("accuracy is 0.5000 but the confusion matrix gives 0.8500"));
        assertTrue(problems.get(2).contains("class 1 is 0.7000 but the confusion matrix gives 0.8000"));
        assertEquals(List.of("0", "1"), e.classNames(), "default names when the file has none");
        assertEquals("evaluation", e.split());
    }

    @Test
    void otherJobsNumbersAreKeptWithoutAMatrix() throws IOException {
        EvalResult e = eval("{\"split\":\"dev\",\"ndcg@10\":0.41,\"mrr\":\"NaN\",\"queries\":225,\"note\":\"bm25\"}");
        assertFalse(e.hasConfusionMatrix());
        assertEquals(0, e.numClasses());
        assertEquals(List.of("ndcg@10", "mrr", "queries"), List.copyOf(e.numericFields().keySet()));
        assertTrue(Double.isNaN(e.numericFields().get("mrr")));
        assertEquals("bm25", e.textFields().get("note"));
        assertTrue(e.inconsistencies().isEmpty());
        assertThrows(IllegalStateException.class, e::support);
    }

    @Test
    void badMatrixFailsNamingTheFile() {
        BadInputException notSquare = assertThrows(BadInputException.class,
                () -> eval("{\"confusionMatrix\":[[1,2],[3]]}"));
        assertTrue(notSquare.getMessage().startsWith("eval.json: confusionMatrix must be square"), notSquare.getMessage());
        BadInputException negative = assertThrows(BadInputException.class,
                () -> eval("{\"confusionMatrix\":[[1,-2],[3,4]]}"));
        assertTrue(negative.getMessage().contains("confusionMatrix[0][1]"), negative.getMessage());
        assertThrows(BadInputException.class, () -> eval("[1,2]"));
    }

    @Test
    void wrongNumberOfClassNamesFallsBackToIndicesAndIsReported() throws IOException {
        EvalResult e = eval("{\"confusionMatrix\":[[1,0],[0,1]],\"classNames\":[\"only\"]}");
        assertEquals(List.of("0", "1"), e.classNames());
        assertEquals(List.of("classNames has 1 entries but there are 2 classes; classes are shown by index"),
                e.inconsistencies());
        assertFalse(eval("{\"confusionMatrix\":[]}").hasConfusionMatrix(), "an empty matrix is no matrix");
    }
}
