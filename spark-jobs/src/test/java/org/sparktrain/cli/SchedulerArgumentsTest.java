package org.sparktrain.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.testing.CliRun;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.sparktrain.testing.CliRun.cli;

/**
 * The argument lists that the Airflow DAG ({@code deploy/airflow}) and the Oozie workflow ({@code deploy/oozie}) pass
 * to sparktrain are accepted by the CLI: every step is run through {@code SparktrainCli --dry-run} (arguments and
 * config checked, no data touched), both schedulers run the same steps with the same arguments, and every output
 * path of a run is scoped by its run id.
 */
class SchedulerArgumentsTest {
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final String RUN_ID = "20261127";

    @TempDir
    Path base;

    /** Steps of the Airflow pipeline, read by importing {@code sparktrain_pipeline.py} with python3. */
    Map<String, List<String>> airflowSteps() throws Exception {
        Path airflow = ROOT.resolve("deploy/airflow");
        String script = "import json, sys; sys.path.insert(0, sys.argv[1]); import sparktrain_pipeline as p; "
                + "print(json.dumps(p.steps(sys.argv[2], base=sys.argv[3])))";
        ProcessBuilder pb;
        try {
            pb = new ProcessBuilder("python3", "-c", script, airflow.toString(), RUN_ID, base.toString());
            Process probe = new ProcessBuilder("python3", "--version").start();
            probe.waitFor(20, TimeUnit.SECONDS);
        } catch (java.io.IOException e) {
            assumeTrue(false, "python3 is not installed: the Airflow argument lists cannot be read");
            return Map.of();
        }
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python3 did not finish");
        assertEquals(0, p.exitValue(), out);
        Map<String, List<String>> steps = new LinkedHashMap<>();
        for (JsonNode step : new ObjectMapper().readTree(out)) {
            List<String> args = new ArrayList<>();
            step.get(1).forEach(a -> args.add(a.asText()));
            steps.put(step.get(0).asText(), args);
        }
        return steps;
    }

    /** Steps of the Oozie workflow: the {@code <arg>}s of each spark action, with its EL variables substituted. */
    Map<String, List<String>> oozieSteps() throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document doc = f.newDocumentBuilder().parse(ROOT.resolve("deploy/oozie/workflow.xml").toFile());
        Map<String, List<String>> steps = new LinkedHashMap<>();
        NodeList actions = doc.getElementsByTagNameNS("*", "action");
        for (int i = 0; i < actions.getLength(); i++) {
            Element action = (Element) actions.item(i);
            NodeList args = action.getElementsByTagNameNS("*", "arg");
            List<String> list = new ArrayList<>();
            for (int j = 0; j < args.getLength(); j++) {
                list.add(args.item(j).getTextContent().trim()
                        .replace("${base}", base.toString()).replace("${runId}", RUN_ID));
            }
            steps.put(action.getAttribute("name"), list);
        }
        return steps;
    }

    @Test
    void airflowAndOozieRunTheSamePipeline() throws Exception {
        Map<String, List<String>> airflow = airflowSteps();
        Map<String, List<String>> oozie = oozieSteps();
        assertEquals(List.of("prepare", "select", "train", "evaluate"), List.copyOf(airflow.keySet()));
        assertEquals(airflow, oozie, "the DAG and the workflow pass different arguments");
    }

    @Test
    void everyStepIsAcceptedByTheCliAndScopedByTheRunId() throws Exception {
        for (Map.Entry<String, List<String>> step : oozieSteps().entrySet()) {
            List<String> args = new ArrayList<>(step.getValue());
            args.add("--dry-run");
            CliRun r = cli(args);
            assertEquals(0, r.code(), step.getKey() + " " + args + ":\n" + r.err());
            assertTrue(r.out().contains("arguments and config are valid"), r.out());
            if (!step.getKey().equals("prepare")) {
                // prepare writes the shared dataset; everything after it belongs to one run
                String outputs = String.join(" ", step.getValue());
                assertTrue(outputs.contains(RUN_ID), step.getKey() + " is not scoped by the run id: " + outputs);
            }
        }
        assertEquals(0, Files.list(base).count(), "a dry run writes nothing");
    }

    @Test
    void theAirflowDagParses() throws Exception {
        Process p;
        try {
            // parse only (no import: Airflow is not installed here, and no __pycache__ in the source tree)
            p = new ProcessBuilder("python3", "-c", "import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])",
                    ROOT.resolve("deploy/airflow/sparktrain_dag.py").toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "python3 is not installed");
            return;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
    }
}
