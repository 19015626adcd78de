"""Run a pipeline's sql and pyspark jobs in one local Spark JVM: the Python half of `make run-local`.

    driver.py <plan.json>

etl/local/run.ts writes the plan (jobs in DAG order with the invocation config/pipelines/invocation.ts computed for
them, the session's Spark properties, the warehouse) and reads this process's stdout: one `@@event <json>` line per
job start, end or failure, then the row counts of the tables the run wrote. Logs go to stderr.

One SparkSession (one JVM) serves every job of the run, which saves the JVM and Delta start per job. Each job gets
its own child session (`newSession()`: own temporary views and SQL properties, shared SparkContext), so a job sees
nothing another job left behind, as on the cluster where each job is its own application. A job's `sparkConf` is
set on its session; properties a running SparkContext cannot take (core properties) are listed and left to the
cluster.

- sql jobs run etl/runners/sql_runner.py itself (its `main`, with this session) with the job's arguments;
- pyspark jobs run their script as `__main__` with the job's arguments; `SparkSession.builder.getOrCreate()` in the
  script returns the job's session, and the script's `spark.stop()` leaves the shared JVM running.

Rows written are read from the Delta transaction logs under the warehouse (`operationMetrics.numOutputRows` of the
commits a job made, from the commit files themselves, so counting costs no Spark job); other formats have no such record, so they show no count.
"""

from __future__ import annotations

import json
import logging
import os
import runpy
import sys
import time
import traceback
from typing import Any

# etl/runners/ and etl/jobs/ are uploaded as assets: compiled files there would change what is uploaded.
sys.dont_write_bytecode = True

LOG = logging.getLogger("run-local")


def emit(event: str, **fields: Any) -> None:
    print("@@event " + json.dumps({"event": event, **fields}), flush=True)


class LastError(logging.Handler):
    """Keeps the last ERROR a job's logger wrote: the SQL runner logs the failing file, statement and line there."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.message: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        self.message = record.getMessage()


def delta_tables(root: str) -> list[str]:
    """Every Delta table (folder with a _delta_log) under root."""
    found = []
    for folder, dirs, _files in os.walk(root):
        if "_delta_log" in dirs:
            found.append(folder)
            dirs[:] = []
    return sorted(found)


def parquet_outputs(root: str) -> list[str]:
    """Folders Spark wrote as plain files (a _SUCCESS marker, no _delta_log)."""
    found = []
    for folder, dirs, files in os.walk(root):
        if "_delta_log" in dirs:
            dirs[:] = []
        elif "_SUCCESS" in files:
            found.append(folder)
            dirs[:] = []
    return sorted(found)


def _commits(table: str) -> list[tuple[int, str]]:
    log = os.path.join(table, "_delta_log")
    return sorted(
        (int(name[: -len(".json")]), os.path.join(log, name))
        for name in os.listdir(log)
        if name.endswith(".json") and name[: -len(".json")].isdigit()
    )


def delta_versions(root: str) -> dict[str, int]:
    """Latest committed version of every Delta table under root, read from the transaction logs (no Spark job)."""
    versions = {}
    for table in delta_tables(root):
        commits = _commits(table)
        versions[table] = commits[-1][0] if commits else -1
    return versions


def rows_written(root: str, before: dict[str, int]) -> int | None:
    """Sum of numOutputRows over the Delta commits made since `before`; None when no Delta table was written."""
    total, wrote = 0, False
    for table in delta_tables(root):
        since = before.get(table, -1)
        for version, path in _commits(table):
            if version <= since:
                continue
            wrote = True
            with open(path, encoding="utf-8") as handle:
                for line in handle:
                    action = json.loads(line)
                    metrics = action.get("commitInfo", {}).get("operationMetrics", {})
                    total += int(metrics.get("numOutputRows", "0") or 0)
    return total if wrote else None


def _plain(value: Any) -> Any:
    """A query value as JSON can carry it (timestamps and decimals as text)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def job_session(base: Any, conf: dict[str, str]) -> tuple[Any, list[str]]:
    """A child session with the job's SQL properties; returns the properties it could not take."""
    from pyspark.sql import SparkSession

    session = base.newSession()
    cluster_only = []
    for key, value in conf.items():
        try:
            session.conf.set(key, value)
        except Exception:  # noqa: BLE001 - Spark refuses core and static properties on a running context
            cluster_only.append(key)
    # What `SparkSession.builder.getOrCreate()` and `SparkSession.getActiveSession()` return inside the job.
    SparkSession._instantiatedSession = session
    SparkSession._activeSession = session
    session._jvm.SparkSession.setActiveSession(session._jsparkSession)
    session._jvm.SparkSession.setDefaultSession(session._jsparkSession)
    # The shared JVM outlives the job: a job's own spark.stop() must not end it.
    session.stop = lambda: None  # type: ignore[method-assign]
    return session, cluster_only


def run_sql(session: Any, job: dict[str, Any], runners: str) -> tuple[int, str | None]:
    if runners not in sys.path:
        sys.path.insert(0, runners)
    import sql_runner

    handler = LastError()
    logging.getLogger("sql_runner").addHandler(handler)
    try:
        status = sql_runner.main(job["arguments"], spark=session)
    finally:
        logging.getLogger("sql_runner").removeHandler(handler)
    return status, handler.message


def run_pyspark(job: dict[str, Any]) -> tuple[int, str | None]:
    handler = LastError()
    logging.getLogger().addHandler(handler)
    saved_argv = sys.argv
    sys.argv = [job["main"], *job["arguments"]]
    try:
        runpy.run_path(job["main"], run_name="__main__")
        status = 0
    except SystemExit as done:
        status = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        if not isinstance(done.code, (int, type(None))):
            handler.message = str(done.code)
    except Exception as error:  # noqa: BLE001 - a job's exception fails the job, not the run's bookkeeping
        traceback.print_exc()
        status, handler.message = 1, f"{type(error).__name__}: {error}"
    finally:
        sys.argv = saved_argv
        logging.getLogger().removeHandler(handler)
    return status, handler.message


def main(argv: list[str]) -> int:
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    with open(argv[0], encoding="utf-8") as handle:
        plan = json.load(handle)
    warehouse = plan["warehouse"]

    from pyspark.sql import SparkSession

    started = time.monotonic()
    builder = SparkSession.builder.master(plan["master"]).appName(plan["appName"])
    for key, value in plan["sparkConf"].items():
        builder = builder.config(key, value)
    base = builder.getOrCreate()
    base.sparkContext.setLogLevel("WARN")
    emit("session", seconds=round(time.monotonic() - started, 1), sparkVersion=base.version)

    run_before = delta_versions(warehouse)
    touched_parquet_before = {p: os.path.getmtime(os.path.join(p, "_SUCCESS")) for p in parquet_outputs(warehouse)}
    status = 0
    try:
        for job in plan["jobs"]:
            emit("start", job=job["id"])
            job_started = time.monotonic()
            session, cluster_only = job_session(base, job["sparkConf"])
            if cluster_only:
                emit("note", job=job["id"], message="cluster-only sparkConf: " + ", ".join(sorted(cluster_only)))
            before = delta_versions(warehouse)
            if job["runtime"] == "sql":
                code, message = run_sql(session, job, plan["runners"])
            else:
                code, message = run_pyspark(job)
            seconds = round(time.monotonic() - job_started, 1)
            if code != 0:
                emit("failed", job=job["id"], seconds=seconds, exitCode=code, message=message or f"exit status {code}")
                status = 1
                break
            emit("done", job=job["id"], seconds=seconds, rows=rows_written(warehouse, before))
        tables = []
        for table, version in delta_versions(warehouse).items():
            if version <= run_before.get(table, -1):
                continue
            tables.append({"path": table, "format": "delta", "rows": base.read.format("delta").load(table).count()})
        for output in parquet_outputs(warehouse):
            changed = touched_parquet_before.get(output) != os.path.getmtime(os.path.join(output, "_SUCCESS"))
            if changed:
                tables.append({"path": output, "format": "parquet", "rows": base.read.parquet(output).count()})
        emit("tables", tables=tables)
        if status == 0:
            for name, sql in plan.get("queries", {}).items():
                rows = [{k: _plain(v) for k, v in row.asDict().items()} for row in base.sql(sql).collect()]
                emit("query", name=name, result=rows)
    finally:
        SparkSession._instantiatedSession = base
        base._jsc.stop()  # the jobs' sessions replaced stop(); end the one JVM here
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
