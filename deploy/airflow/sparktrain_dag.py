"""Airflow DAG running the sparktrain pipeline with SparkSubmitOperator (apache-airflow-providers-apache-spark).

Success is judged by spark-submit's exit code (sparktrain exits non-zero on any failure); every output is scoped by
the run id {{ ds_nodash }}, and the training task passes --resume, so an Airflow retry continues from the last
checkpoint instead of starting over.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

from sparktrain_pipeline import JAR, MAIN_CLASS, steps

JVM_OPTS = open("/opt/sparktrain/conf/jvm-options").read().strip()

with DAG(
    dag_id="sparktrain_mnist",
    start_date=datetime(2026, 1, 1),
    schedule="@weekly",
    catchup=False,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5), "execution_timeout": timedelta(hours=2)},
) as dag:
    previous = None
    for task_id, args in steps("{{ ds_nodash }}"):
        task = SparkSubmitOperator(
            task_id=task_id,
            application=JAR,
            java_class=MAIN_CLASS,
            application_args=args,
            conn_id="spark_default",
            conf={
                "spark.serializer": "org.apache.spark.serializer.KryoSerializer",
                "spark.kryo.registrator": "org.sparktrain.engine.SparktrainKryoRegistrator",
                "spark.driver.extraJavaOptions": JVM_OPTS,
                "spark.executor.extraJavaOptions": JVM_OPTS,
                "spark.executor.cores": "1",
                "spark.executor.memoryOverhead": "2g",
            },
            num_executors=2,
            executor_memory="2g",
        )
        if previous is not None:
            previous >> task
        previous = task
