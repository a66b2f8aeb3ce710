package org.sparktrain.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the Zeppelin note deploy/zeppelin/sparktrain.zpln the way Zeppelin's Spark interpreter would: its
 * {@code %spark.conf} paragraph becomes the session's settings (with the built cluster jar) and its Scala paragraphs
 * are fed, in order, to Spark's Scala REPL ({@code spark-repl}, what {@code spark-shell} and Zeppelin run). Two
 * trainings happen in one SparkContext, which stays alive.
 */
class ZeppelinNoteIT {
    @Test
    void noteRunsInTheSparkReplWithTwoFitsInOneContext() throws Exception {
        Path root = Path.of(System.getProperty("sparktrain.root.dir", "..")).toAbsolutePath().normalize();
        Path work = Files.createTempDirectory("sparktrain-zeppelin");
        JsonNode note = new ObjectMapper().readTree(root.resolve("deploy/zeppelin/sparktrain.zpln").toFile());
        Path sparkHome = root.resolve("deploy/spark-dist/target/spark-home");
        Path jar = root.resolve("deploy/target/sparktrain-cluster.jar");

        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx4g", "-Dscala.usejavacp=true"));
        String opens = Files.readString(root.resolve("deploy/target/sparktrain-local/conf/jvm-options")).trim();
        cmd.addAll(List.of(opens.split("\\s+")));
        cmd.addAll(List.of("-Dorg.bytedeco.javacpp.maxbytes=4g", "-cp", sparkHome.resolve("jars") + "/*",
                "org.apache.spark.deploy.SparkSubmit", "--class", "org.apache.spark.repl.Main", "--name", "zeppelin-note"));
        StringBuilder script = new StringBuilder();
        for (JsonNode p : note.get("paragraphs")) {
            String text = p.get("text").asText();
            if (text.startsWith("%spark.conf")) {
                for (String line : text.lines().skip(1).toList()) {
                    String[] kv = line.trim().split("\\s+", 2);
                    String value = kv[0].equals("spark.jars") ? jar.toString() : kv[1];
                    cmd.addAll(List.of("--conf", kv[0] + "=" + value));
                }
            } else if (text.startsWith("%spark")) {
                script.append(text.substring(text.indexOf('\n') + 1)
                        .replace("/tmp/sparktrain-notebook", work.toString())).append('\n');
            }
        }
        cmd.addAll(List.of("--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false", "spark-shell"));
        script.append("println(\"REPL-END stopped=\" + sc.isStopped)\n:quit\n");
        Path input = Files.writeString(work.resolve("note.scala"), script.toString());
        Path log = work.resolve("repl.log");
        ProcessBuilder b = new ProcessBuilder(cmd).redirectInput(input.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        b.environment().put("SPARK_HOME", sparkHome.toString());
        b.environment().put("SPARK_SCALA_VERSION", "2.12");
        Process p = b.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        ScratchDirectories.delete(work);
        Matcher fit1 = Pattern.compile("fit 1 done in application (local-\\d+|app-[\\w-]+)").matcher(out);
        Matcher fit2 = Pattern.compile("fit 2 done in application (local-\\d+|app-[\\w-]+), context stopped: false").matcher(out);
        assertTrue(fit1.find() && fit2.find(), "both fits ran: " + tail(out));
        assertEquals(fit1.group(1), fit2.group(1), "same SparkContext");
        Matcher acc = Pattern.compile("test accuracy of nb-mlp-wide: (0\\.\\d+)").matcher(out);
        assertTrue(acc.find(), tail(out));
        assertTrue(Double.parseDouble(acc.group(1)) > 0.9, acc.group(1));
        assertTrue(out.contains("%html <!DOCTYPE html>") && out.contains("data:image/png;base64,"), "report shown");
        assertTrue(out.contains("REPL-END stopped=false"), tail(out));
    }

    static String tail(String s) {
        return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
    }
}
