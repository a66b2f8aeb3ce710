"""The sparktrain pipeline as plain data, shared by the Airflow DAG and by the test that checks every argument list
with the CLI's --dry-run (no Airflow needed to import this module).

prepare -> select (sensitivity sampling) -> train-classifier (on the weighted selection) -> evaluate,
with run-scoped outputs: every path contains the run id (Airflow's {{ ds_nodash }}), so a retried task overwrites
or resumes its own outputs and never touches another run's.
"""

JAR = "/opt/sparktrain/sparktrain-cluster.jar"
MAIN_CLASS = "org.sparktrain.cli.SparktrainCli"
BASE = "hdfs:///sparktrain"


def steps(run_id, base=BASE):
    """Ordered (task_id, application_args) pairs for one pipeline run."""
    data = f"{base}/data/mnist"
    selection = f"{base}/selections/{run_id}"
    return [
        ("prepare", ["prepare", "--set", "source=mnist", "--set", f"output={data}"]),
        ("select", ["select", "--run-id", run_id, "--set", f"data.dataset={data}",
                    "--set", f"output={selection}", "--set", "selection.fraction=0.1"]),
        ("train", ["train-classifier", "--run-id", run_id, "--resume", "--set", f"output={base}/runs",
                   "--set", f"data.dataset={data}", "--set", f"data.selection={selection}",
                   "--set", "engine.workers=2", "--set", "engine.epochs=4"]),
        ("evaluate", ["evaluate", "--set", f"run={base}/runs/{run_id}"]),
    ]
