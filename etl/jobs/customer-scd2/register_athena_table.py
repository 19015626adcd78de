"""Register a Delta table of the data lake in the Glue database, through the environment's Athena workgroup.

    register_athena_table.py --TABLE <name> --TABLE_PATH <path under DATALAKE>
                             --DATALAKE <s3a uri> --GLUE_DATABASE <db> --ATHENA_WORKGROUP <workgroup>

Arc has no Athena stage and Spark here does not use the Glue catalog, so this job runs Athena's Delta Lake DDL:

    CREATE EXTERNAL TABLE `<db>`.`<table>` LOCATION 's3://…/' TBLPROPERTIES ('table_type' = 'DELTA')

Athena reads the columns from the Delta transaction log, so nothing else is declared. A table that is already
registered is left as it is, which makes the job safe to rerun. DATALAKE, GLUE_DATABASE and ATHENA_WORKGROUP are
supplied by the runtime; TABLE and TABLE_PATH are the job's parameters; other `--NAME value` arguments are ignored.
The workgroup enforces where results go and how they are encrypted, so no output location is passed.

Runs on the driver only (no SparkSession): boto3 with the pod's web identity (IRSA) credentials and region.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import time
from typing import Any, Callable, Sequence

LOG = logging.getLogger("register_athena_table")

#: Athena's unquoted identifier rules are stricter than Glue's; backticks allow hyphens, nothing allows backticks.
IDENTIFIER = re.compile(r"[A-Za-z0-9_-]{1,255}")
FINAL_STATES = ("SUCCEEDED", "FAILED", "CANCELLED")


def arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="register_athena_table.py")
    for name in ("TABLE", "TABLE_PATH", "DATALAKE", "GLUE_DATABASE", "ATHENA_WORKGROUP"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--TIMEOUT_SECONDS", type=int, default=300)
    args, _ignored = parser.parse_known_args(argv)
    return args


def table_location(datalake: str, table_path: str) -> str:
    """`s3://…/<table_path>/`: Athena wants the s3 scheme and a trailing slash; Spark writes through s3a."""
    match = re.fullmatch(r"s3a?://([^/]+)(/.*)?", datalake.rstrip("/"))
    if match is None:
        raise ValueError(f"--DATALAKE {datalake!r} is not an s3:// or s3a:// URI")
    relative = table_path.strip("/")
    if not relative or ".." in relative.split("/") or "'" in relative:
        raise ValueError(f"--TABLE_PATH {table_path!r}: give a path under DATALAKE, e.g. customer/contacts_scd2")
    return f"s3://{match.group(1)}{match.group(2) or ''}/{relative}/"


def create_table_ddl(database: str, table: str, location: str) -> str:
    for kind, name in (("database", database), ("table", table)):
        if not IDENTIFIER.fullmatch(name):
            raise ValueError(f"{kind} name {name!r}: use letters, digits, '_' and '-'")
    return (
        f"CREATE EXTERNAL TABLE `{database}`.`{table}` "
        f"LOCATION '{location}' TBLPROPERTIES ('table_type' = 'DELTA')"
    )


def run_query(
    athena: Any, sql: str, database: str, workgroup: str, timeout: int, sleep: Callable[[float], None] = time.sleep
) -> dict:
    """Starts `sql` and waits for a final state; stops the query and raises on timeout. Returns the Status."""
    started = athena.start_query_execution(
        QueryString=sql, QueryExecutionContext={"Database": database}, WorkGroup=workgroup
    )
    query_id = started["QueryExecutionId"]
    LOG.info("query %s started in workgroup %s: %s", query_id, workgroup, sql)
    waited, delay = 0.0, 1.0
    while True:
        status = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]
        if status["State"] in FINAL_STATES:
            return status
        if waited >= timeout:
            athena.stop_query_execution(QueryExecutionId=query_id)
            raise TimeoutError(f"query {query_id} still {status['State']} after {timeout} s; stopped it")
        sleep(delay)
        waited += delay
        delay = min(delay * 2, 10.0)


def main(argv: Sequence[str] | None = None, athena: Any = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = arguments(sys.argv[1:] if argv is None else argv)
    try:
        ddl = create_table_ddl(args.GLUE_DATABASE, args.TABLE, table_location(args.DATALAKE, args.TABLE_PATH))
    except ValueError as error:
        LOG.error("%s", error)
        return 2
    if athena is None:
        import boto3  # in the spark-runtime image

        athena = boto3.client("athena")
    status = run_query(athena, ddl, args.GLUE_DATABASE, args.ATHENA_WORKGROUP, args.TIMEOUT_SECONDS)
    reason = status.get("StateChangeReason", "")
    if status["State"] == "SUCCEEDED":
        LOG.info("registered %s.%s", args.GLUE_DATABASE, args.TABLE)
        return 0
    if status["State"] == "FAILED" and "already exists" in reason.lower():
        LOG.info("%s.%s is already registered; nothing to do", args.GLUE_DATABASE, args.TABLE)
        return 0
    LOG.error("registering %s.%s %s: %s", args.GLUE_DATABASE, args.TABLE, status["State"].lower(), reason)
    return 1


if __name__ == "__main__":
    sys.exit(main())
