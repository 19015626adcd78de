"""Run Spark SQL files statement by statement: the kit's `sql` job runtime.

    sql_runner.py --sql <uri> [--sql <uri> ...] [--param NAME=VALUE ...] [--dry-run]
    sql_runner.py --test <json> [--test <json> ...] [--param NAME=VALUE ...] [--dry-run]

Each file (an s3a:// URI read through Spark's Hadoop file systems, or a local path) is split into statements at
semicolons that are outside string literals, quoted identifiers and comments. `${NAME}` is replaced by the value of
`--param NAME=...` everywhere except in comments; `$${NAME}` stands for a literal `${NAME}`; placeholders that are not
plain names (`${spark.sql.x}`, `${hivevar:x}`) are left for Spark's own substitution. Every file is read and checked
before the first statement runs, so a missing parameter fails the job before anything is written.

Statements run in order with `spark.sql`. A query's result is read to the end (so `SELECT assert_true(...)` and
`raise_error(...)` checks fail the job whatever the row they fail on) and its first rows are logged. The first failing
statement stops the job with exit status 1, naming the file, the statement number and its line; usage and parameter
errors exit with status 2.

With `--test`, the runner runs data tests instead (the step after a job that declares `tests:` in its pipeline
YAML; config/pipelines/data-tests.ts writes the JSON): each is `{"name", "dataset", "failing", "sql"}`, a query whose
rows are the failures. Every test runs, passing or not; each failing one is logged with its name, the dataset, the
number of failing rows and up to 10 of them, and the runner exits with status 1 when any failed.

Only pyspark is needed, and only to run statements: the parsing functions are pure and unit-tested without Spark.
The runtime image runs Python 3.10, so nothing newer is used.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time
from dataclasses import dataclass
from typing import Iterator, Mapping, Sequence

LOG = logging.getLogger("sql_runner")

#: What `${NAME}` may name; anything else between `${` and `}` belongs to Spark.
PARAMETER_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

#: Rows of a query result written to the log.
SHOWN_ROWS = 20

#: Failing rows of a data test written to the log.
SAMPLE_ROWS = 10

EXIT_STATEMENT_FAILED = 1
EXIT_USAGE = 2


class SqlFileError(Exception):
    """A SQL file that cannot be split (unterminated string, identifier or comment)."""


class MissingParametersError(Exception):
    """`${NAME}` placeholders that no `--param` supplies."""

    def __init__(self, names: Sequence[str], where: str = "") -> None:
        self.names = sorted(set(names))
        location = f" in {where}" if where else ""
        super().__init__(
            f"missing parameter{'s' if len(self.names) > 1 else ''}{location}: {', '.join(self.names)} "
            f"(pass --param NAME=VALUE, or write $${{NAME}} for a literal ${{NAME}})"
        )


@dataclass(frozen=True)
class Statement:
    """One statement of a file, without its terminating semicolon."""

    text: str
    #: 1-based line of the statement's first character in its file.
    line: int


# ---------------------------------------------------------------------------------------------------------------
# Lexing: just enough of Spark SQL to know where strings, quoted identifiers and comments are.

_CODE, _QUOTED, _COMMENT, _SEMICOLON = "code", "quoted", "comment", "semicolon"


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _is_raw_prefix(text: str, quote_at: int) -> bool:
    """True for Spark's raw string literals (r'...'), in which a backslash escapes nothing."""
    if quote_at == 0 or text[quote_at - 1] not in "rR":
        return False
    before = quote_at - 2
    return before < 0 or not (text[before].isalnum() or text[before] == "_")


def _tokens(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield (kind, start, end) spans covering `text`: code, quoted (strings and identifiers), comments, semicolons."""
    n = len(text)
    i = 0
    code_start = 0

    def flush(upto: int) -> Iterator[tuple[str, int, int]]:
        if upto > code_start:
            yield (_CODE, code_start, upto)

    while i < n:
        c = text[i]
        if c == "-" and text.startswith("--", i):
            newline = text.find("\n", i)
            end = n if newline < 0 else newline
            yield from flush(i)
            yield (_COMMENT, i, end)
        elif c == "/" and text.startswith("/*", i):
            # Spark allows nested bracketed comments.
            depth, j = 0, i
            while j < n:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                    if depth == 0:
                        break
                else:
                    j += 1
            if depth != 0:
                raise SqlFileError(f"unterminated /* comment starting on line {_line_of(text, i)}")
            end = j
            yield from flush(i)
            yield (_COMMENT, i, end)
        elif c in "'\"`":
            escapes = c != "`" and not _is_raw_prefix(text, i)
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if escapes and text[j] == "\\" else 1
            if j >= n:
                kind = "identifier" if c == "`" else "string"
                raise SqlFileError(f"unterminated {kind} ({c}) starting on line {_line_of(text, i)}")
            end = j + 1
            yield from flush(i)
            yield (_QUOTED, i, end)
        elif c == ";":
            end = i + 1
            yield from flush(i)
            yield (_SEMICOLON, i, end)
        else:
            i += 1
            continue
        i = end
        code_start = end
    yield from flush(n)


def split_statements(text: str) -> list[Statement]:
    """The statements of a SQL text, in order; a semicolon ends one only outside quotes and comments.

    A statement starts at its first token that is not a comment (comments before it are dropped, comments inside it
    are kept); pieces holding nothing but whitespace and comments, such as a comment after the last semicolon, are
    not statements.
    """
    statements: list[Statement] = []
    start: int | None = None  # offset of the current statement's first character

    for kind, begin, end in _tokens(text):
        if kind == _SEMICOLON:
            if start is not None:
                statements.append(Statement(text[start:begin].rstrip(), _line_of(text, start)))
            start = None
        elif start is None and (kind == _QUOTED or (kind == _CODE and text[begin:end].strip())):
            start = begin + len(text[begin:end]) - len(text[begin:end].lstrip())
    if start is not None:
        statements.append(Statement(text[start:].rstrip(), _line_of(text, start)))
    return statements


def _placeholders(segment: str) -> Iterator[tuple[int, int, str | None]]:
    """Yield (start, end, name) for `${NAME}`, and (start, end, None) for the `$${` escape."""
    i = 0
    while True:
        i = segment.find("$", i)
        if i < 0:
            return
        if segment.startswith("$${", i):
            yield (i, i + 2, None)
            i += 3
            continue
        if segment.startswith("${", i):
            close = segment.find("}", i + 2)
            if close >= 0 and PARAMETER_NAME.fullmatch(segment[i + 2 : close]):
                yield (i, close + 1, segment[i + 2 : close])
                i = close + 1
                continue
        i += 1


def parameters_used(text: str) -> set[str]:
    """The parameter names a SQL text refers to (outside comments, escapes excluded)."""
    names: set[str] = set()
    for kind, begin, end in _tokens(text):
        if kind in (_CODE, _QUOTED):
            names.update(name for _, _, name in _placeholders(text[begin:end]) if name is not None)
    return names


def substitute(text: str, params: Mapping[str, str], where: str = "") -> str:
    """`text` with every `${NAME}` outside comments replaced; raises MissingParametersError listing unknown names."""
    missing = sorted(parameters_used(text) - set(params))
    if missing:
        raise MissingParametersError(missing, where)
    out: list[str] = []
    for kind, begin, end in _tokens(text):
        segment = text[begin:end]
        if kind not in (_CODE, _QUOTED):
            out.append(segment)
            continue
        last = 0
        for start, stop, name in _placeholders(segment):
            out.append(segment[last:start])
            out.append("$" if name is None else params[name])
            last = stop
        out.append(segment[last:])
    return "".join(out)


def parse_params(pairs: Sequence[str]) -> dict[str, str]:
    """`NAME=VALUE` pairs (the value may contain '='); a name given twice is an error rather than a silent override."""
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not PARAMETER_NAME.fullmatch(name):
            raise ValueError(f"--param {pair!r}: write NAME=VALUE with NAME made of letters, digits and '_'")
        if name in params:
            raise ValueError(f"--param {name} is given twice")
        params[name] = value
    return params


def substitute_text(text: str, params: Mapping[str, str]) -> str:
    """`${NAME}` in a plain text (a test's name, dataset or description) replaced where known; nothing is SQL here."""
    out: list[str] = []
    last = 0
    for start, stop, name in _placeholders(text):
        out.append(text[last:start])
        out.append("$" if name is None else params.get(name, text[start:stop]))
        last = stop
    out.append(text[last:])
    return "".join(out)


@dataclass(frozen=True)
class DataTest:
    """One data test, its query already substituted: every row the query returns is a failure."""

    name: str
    dataset: str
    failing: str
    sql: str


TEST_FIELDS = ("name", "dataset", "failing", "sql")


def parse_tests(documents: Sequence[str], params: Mapping[str, str]) -> list[DataTest]:
    """The `--test` JSON documents as tests; a malformed one or a missing parameter raises before anything runs."""
    tests: list[DataTest] = []
    for number, document in enumerate(documents, start=1):
        try:
            fields = json.loads(document)
        except json.JSONDecodeError as error:
            raise ValueError(f"--test {number}: not JSON ({error})") from None
        if not isinstance(fields, dict) or sorted(fields) != sorted(TEST_FIELDS):
            raise ValueError(f"--test {number}: write a JSON object with exactly {', '.join(TEST_FIELDS)}")
        if not all(isinstance(fields[key], str) and fields[key] for key in TEST_FIELDS):
            raise ValueError(f"--test {number}: {', '.join(TEST_FIELDS)} must be non-empty texts")
        name = substitute_text(fields["name"], params)
        sql = substitute(fields["sql"], params, f"data test '{name}'")
        tests.append(
            DataTest(name, substitute_text(fields["dataset"], params), substitute_text(fields["failing"], params), sql)
        )
    return tests


# ---------------------------------------------------------------------------------------------------------------
# Running.


@dataclass(frozen=True)
class PlannedStatement:
    file: str
    number: int
    count: int
    line: int
    sql: str


def plan(files: Sequence[tuple[str, str]], params: Mapping[str, str]) -> list[PlannedStatement]:
    """Split and substitute every (uri, text) before anything runs; reports all missing names of all files at once."""
    missing: dict[str, list[str]] = {}
    for uri, text in files:
        names = sorted(parameters_used(text) - set(params))
        if names:
            missing[uri] = names
    if missing:
        names = sorted({name for names in missing.values() for name in names})
        raise MissingParametersError(names, "; ".join(f"{uri} ({', '.join(n)})" for uri, n in missing.items()))
    planned: list[PlannedStatement] = []
    for uri, text in files:
        statements = split_statements(text)
        if not statements:
            raise SqlFileError(f"{uri} contains no SQL statement")
        for number, statement in enumerate(statements, start=1):
            sql = substitute(statement.text, params, uri)
            planned.append(PlannedStatement(uri, number, len(statements), statement.line, sql))
    return planned


def _is_local(uri: str) -> bool:
    return "://" not in uri


def _read_local(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _read_with_spark(spark, uri: str) -> str:  # type: ignore[no-untyped-def]
    # wholetext reads the file as one row through Hadoop's file systems (s3a:// with the pod's credentials).
    rows = spark.read.text(uri, wholetext=True).collect()
    if len(rows) != 1:
        raise SqlFileError(f"{uri}: expected one file, found {len(rows)}")
    return rows[0][0]


#: Where Spark's parser reports an error inside a statement: `(line 1, pos 0)`.
ERROR_POSITION = re.compile(r"\(line (\d+), pos \d+\)")


def error_message(error: BaseException) -> str:
    """What failed, in Spark's words: for an error raised in the JVM (a failed check inside a Spark job arrives
    wrapped in several layers), the innermost message, which names the error class and carries the check's text."""
    java = getattr(error, "java_exception", None)
    if java is None:
        return str(error)
    message = None
    cause = java
    while cause is not None:
        text = cause.getMessage()
        if text:
            message = text
        cause = cause.getCause()
    return message or str(error)


def _summary(sql: str, width: int = 100) -> str:
    flat = " ".join(sql.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _run(spark, statements: Sequence[PlannedStatement]) -> int:  # type: ignore[no-untyped-def]
    total_started = time.monotonic()
    for s in statements:
        where = f"{s.file}: statement {s.number}/{s.count} (line {s.line})"
        LOG.info("%s: %s", where, _summary(s.sql))
        started = time.monotonic()
        try:
            rows = 0
            for row in spark.sql(s.sql).toLocalIterator():
                if rows < SHOWN_ROWS:
                    LOG.info("%s: row %d: %s", where, rows + 1, row)
                rows += 1
        except Exception as error:  # noqa: BLE001 - any Spark error ends the job with its location
            message = error_message(error)
            position = ERROR_POSITION.search(message)
            if position is not None:
                # Spark counts lines from the statement's start; the file's line is what the author needs.
                where = f"{where}, error at line {s.line + int(position.group(1)) - 1}"
            LOG.error("%s failed after %.1f s: %s", where, time.monotonic() - started, message)
            return EXIT_STATEMENT_FAILED
        LOG.info("%s: done in %.1f s, %d row%s", where, time.monotonic() - started, rows, "" if rows == 1 else "s")
    LOG.info("%d statements done in %.1f s", len(statements), time.monotonic() - total_started)
    return 0


def _test_failures(spark, test: DataTest, where: str) -> tuple[int | None, str]:  # type: ignore[no-untyped-def]
    """(failing rows, message); None rows when the query itself failed."""
    try:
        result = spark.sql(test.sql)
        failing = result.count()
        if failing == 0:
            return 0, ""
        for number, row in enumerate(result.limit(SAMPLE_ROWS).collect(), start=1):
            LOG.error("%s: failing row %d: %s", where, number, row)
        if failing > SAMPLE_ROWS:
            LOG.error("%s: … and %d more", where, failing - SAMPLE_ROWS)
        return failing, f"{failing} {'row' if failing == 1 else 'rows'}: {test.failing}"
    except Exception as error:  # noqa: BLE001 - a query that cannot run is a failed test, named with Spark's reason
        return None, f"could not run: {error_message(error)}"


def run_tests(spark, tests: Sequence[DataTest]) -> int:  # type: ignore[no-untyped-def]
    """Runs every test; logs each result and a summary; 1 when any failed."""
    failed: list[str] = []
    total_started = time.monotonic()
    for number, test in enumerate(tests, start=1):
        where = f"data test {number}/{len(tests)} '{test.name}' on {test.dataset}"
        LOG.info("%s: %s", where, _summary(test.sql))
        started = time.monotonic()
        failing, message = _test_failures(spark, test, where)
        seconds = time.monotonic() - started
        if failing == 0:
            LOG.info("%s: passed in %.1f s", where, seconds)
        else:
            LOG.error("%s: FAILED in %.1f s: %s", where, seconds, message)
            failed.append(f"'{test.name}' on {test.dataset}: {message}")
    if failed:
        LOG.error("%d of %d data tests failed: %s", len(failed), len(tests), "; ".join(failed))
        return EXIT_STATEMENT_FAILED
    LOG.info("%d data tests passed in %.1f s", len(tests), time.monotonic() - total_started)
    return 0


def _arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="sql_runner.py", description="Run Spark SQL files statement by statement.")
    parser.add_argument("--sql", action="append", default=[], metavar="URI", help="SQL file; repeat, run in order")
    parser.add_argument("--test", action="append", default=[], metavar="JSON", help="data test; repeat")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="replaces ${NAME}")
    parser.add_argument("--dry-run", action="store_true", help="print the statements (local files only, no Spark)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None, spark=None) -> int:  # type: ignore[no-untyped-def]
    """The runner's command line. `spark`: a session to run in (local runs share one); it is left running."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = _arguments(sys.argv[1:] if argv is None else argv)
    try:
        params = parse_params(args.param)
    except ValueError as error:
        LOG.error("%s", error)
        return EXIT_USAGE
    if bool(args.sql) == bool(args.test):
        LOG.error("give --sql files to run or --test data tests to check, not both and not neither")
        return EXIT_USAGE
    if args.test:
        return _main_tests(args.test, params, args.dry_run, spark)

    if args.dry_run:
        remote = [uri for uri in args.sql if not _is_local(uri)]
        if remote:
            LOG.error("--dry-run reads local files only: %s", ", ".join(remote))
            return EXIT_USAGE
        try:
            statements = plan([(uri, _read_local(uri)) for uri in args.sql], params)
        except (OSError, SqlFileError, MissingParametersError) as error:
            LOG.error("%s", error)
            return EXIT_USAGE
        for s in statements:
            print(f"-- {s.file}: statement {s.number}/{s.count} (line {s.line})\n{s.sql};\n")
        return 0

    # Imported here so the parsing functions (and --dry-run) work without Spark installed.
    from pyspark.sql import SparkSession

    own_session = spark is None
    if own_session:
        spark = SparkSession.builder.getOrCreate()
    try:
        texts: list[tuple[str, str]] = []
        for uri in args.sql:
            try:
                texts.append((uri, _read_local(uri) if _is_local(uri) else _read_with_spark(spark, uri)))
            except Exception as error:  # noqa: BLE001 - Spark reports a missing object as AnalysisException
                LOG.error("cannot read %s: %s", uri, error)
                return EXIT_USAGE
        try:
            statements = plan(texts, params)
        except (SqlFileError, MissingParametersError) as error:
            LOG.error("%s", error)
            return EXIT_USAGE
        return _run(spark, statements)
    finally:
        if own_session:
            spark.stop()


def _main_tests(documents: Sequence[str], params: Mapping[str, str], dry_run: bool, spark) -> int:  # type: ignore[no-untyped-def]
    try:
        tests = parse_tests(documents, params)
    except (ValueError, SqlFileError, MissingParametersError) as error:
        LOG.error("%s", error)
        return EXIT_USAGE
    if dry_run:
        for number, test in enumerate(tests, start=1):
            print(f"-- data test {number}/{len(tests)} '{test.name}' on {test.dataset}: fails on {test.failing}\n{test.sql};\n")
        return 0
    from pyspark.sql import SparkSession

    own_session = spark is None
    if own_session:
        spark = SparkSession.builder.getOrCreate()
    try:
        return run_tests(spark, tests)
    finally:
        if own_session:
            spark.stop()


if __name__ == "__main__":
    sys.exit(main())
