"""Unit tests of the SQL runner's pure parts: python3 -B -m unittest etl/runners/test_sql_runner.py (no Spark needed)."""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import unittest

# etl/runners/ is uploaded as job assets: keep compiled files out of it (run with `python3 -B` to cover this file too).
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sql_runner  # noqa: E402
from sql_runner import (  # noqa: E402
    MissingParametersError,
    SqlFileError,
    Statement,
    parameters_used,
    parse_params,
    plan,
    split_statements,
    substitute,
)


def texts(sql: str) -> list[str]:
    return [s.text for s in split_statements(sql)]


class SplitStatementsTest(unittest.TestCase):
    def test_splits_at_top_level_semicolons(self) -> None:
        self.assertEqual(texts("SELECT 1;\nSELECT 2;"), ["SELECT 1", "SELECT 2"])

    def test_last_statement_needs_no_semicolon(self) -> None:
        self.assertEqual(texts("SELECT 1;\nSELECT 2\n"), ["SELECT 1", "SELECT 2"])

    def test_semicolon_in_single_quoted_string_does_not_split(self) -> None:
        self.assertEqual(texts("SELECT 'a;b' AS x; SELECT 2"), ["SELECT 'a;b' AS x", "SELECT 2"])

    def test_semicolon_in_double_quoted_string_and_backticks_does_not_split(self) -> None:
        sql = 'SELECT "x;y", `odd;name` FROM t; SELECT 2'
        self.assertEqual(texts(sql), ['SELECT "x;y", `odd;name` FROM t', "SELECT 2"])

    def test_backslash_escaped_quote_stays_inside_the_string(self) -> None:
        self.assertEqual(texts(r"SELECT 'it\'s; fine'; SELECT 2"), [r"SELECT 'it\'s; fine'", "SELECT 2"])

    def test_doubled_quote_stays_inside_the_string(self) -> None:
        self.assertEqual(texts("SELECT 'it''s; fine'; SELECT 2"), ["SELECT 'it''s; fine'", "SELECT 2"])

    def test_raw_string_backslash_escapes_nothing(self) -> None:
        self.assertEqual(texts(r"SELECT r'C:\'; SELECT 2"), [r"SELECT r'C:\'", "SELECT 2"])

    def test_semicolon_in_line_comment_does_not_split(self) -> None:
        self.assertEqual(texts("SELECT 1 -- one; two\n, 2;"), ["SELECT 1 -- one; two\n, 2"])

    def test_semicolon_in_block_comment_does_not_split(self) -> None:
        self.assertEqual(texts("SELECT /* a; b */ 1; SELECT 2"), ["SELECT /* a; b */ 1", "SELECT 2"])

    def test_nested_block_comments(self) -> None:
        self.assertEqual(texts("SELECT /* a /* b; */ c; */ 1; SELECT 2"), ["SELECT /* a /* b; */ c; */ 1", "SELECT 2"])

    def test_quote_inside_comment_is_not_a_string(self) -> None:
        self.assertEqual(texts("-- don't\nSELECT 1; SELECT 2"), ["SELECT 1", "SELECT 2"])

    def test_comment_only_pieces_are_not_statements(self) -> None:
        self.assertEqual(texts("-- header\n;\n/* x */;\nSELECT 1;\n-- trailing\n"), ["SELECT 1"])
        self.assertEqual(texts("  \n-- nothing here\n"), [])

    def test_empty_statements_are_dropped(self) -> None:
        self.assertEqual(texts(";;SELECT 1;;"), ["SELECT 1"])

    def test_leading_comments_are_dropped_and_lines_point_at_the_code(self) -> None:
        statements = split_statements("-- stage\n\nCREATE TABLE t (a INT);\n\n/* check */\nSELECT\n  1;")
        self.assertEqual(
            statements, [Statement("CREATE TABLE t (a INT)", 3), Statement("SELECT\n  1", 6)]
        )

    def test_string_at_statement_start_counts_as_code(self) -> None:
        self.assertEqual(texts("'a';"), ["'a'"])

    def test_unterminated_string_fails_with_its_line(self) -> None:
        with self.assertRaisesRegex(SqlFileError, r"unterminated string \('\) starting on line 2"):
            split_statements("SELECT 1;\nSELECT 'oops;\n")

    def test_unterminated_identifier_fails(self) -> None:
        with self.assertRaisesRegex(SqlFileError, r"unterminated identifier"):
            split_statements("SELECT `a")

    def test_unterminated_block_comment_fails(self) -> None:
        with self.assertRaisesRegex(SqlFileError, r"unterminated /\* comment starting on line 1"):
            split_statements("/* /* */ SELECT 1;")


class SubstituteTest(unittest.TestCase):
    def test_replaces_placeholders_in_code_and_strings(self) -> None:
        sql = "SELECT * FROM delta.`${LAKE}/t` WHERE d = '${DAY}' LIMIT ${N}"
        self.assertEqual(
            substitute(sql, {"LAKE": "s3a://b/w", "DAY": "2024-01-01", "N": "5"}),
            "SELECT * FROM delta.`s3a://b/w/t` WHERE d = '2024-01-01' LIMIT 5",
        )

    def test_missing_names_are_all_listed_sorted_once(self) -> None:
        with self.assertRaises(MissingParametersError) as caught:
            substitute("SELECT '${B}', ${A}, ${B}, ${KNOWN}", {"KNOWN": "1"}, "f.sql")
        self.assertEqual(caught.exception.names, ["A", "B"])
        self.assertIn("missing parameters in f.sql: A, B", str(caught.exception))

    def test_double_dollar_escapes(self) -> None:
        self.assertEqual(substitute("SELECT '$${NAME}', ${NAME}", {"NAME": "x"}), "SELECT '${NAME}', x")
        self.assertEqual(substitute("SELECT '$${UNKNOWN}'", {}), "SELECT '${UNKNOWN}'")

    def test_comments_are_left_alone(self) -> None:
        sql = "-- uses ${OLD}\nSELECT ${NEW} /* ${OLD} */"
        self.assertEqual(substitute(sql, {"NEW": "1"}), "-- uses ${OLD}\nSELECT 1 /* ${OLD} */")

    def test_spark_substitutions_and_lone_dollars_pass_through(self) -> None:
        sql = "SELECT '${spark.sql.x}', '${hivevar:y}', '$5', '${', '${ A }'"
        self.assertEqual(substitute(sql, {}), sql)

    def test_values_are_inserted_verbatim(self) -> None:
        self.assertEqual(substitute("SELECT '${V}'", {"V": "a;b$${c}"}), "SELECT 'a;b$${c}'")

    def test_parameters_used(self) -> None:
        sql = "-- ${IN_COMMENT}\nSELECT ${A}, '${B}', `${C}`, '$${ESCAPED}', '${spark.x}'"
        self.assertEqual(parameters_used(sql), {"A", "B", "C"})


class ParseParamsTest(unittest.TestCase):
    def test_value_may_contain_equals(self) -> None:
        self.assertEqual(parse_params(["A=1", "B=x=y", "C="]), {"A": "1", "B": "x=y", "C": ""})

    def test_rejects_malformed_pairs(self) -> None:
        for bad in ["NOVALUE", "=x", "1A=x", "A-B=x"]:
            with self.subTest(bad=bad), self.assertRaisesRegex(ValueError, "write NAME=VALUE"):
                parse_params([bad])

    def test_rejects_duplicates(self) -> None:
        with self.assertRaisesRegex(ValueError, "given twice"):
            parse_params(["A=1", "A=2"])


class PlanTest(unittest.TestCase):
    def test_numbers_statements_per_file_and_substitutes(self) -> None:
        planned = plan([("a.sql", "SELECT ${X};\nSELECT 2;"), ("b.sql", "\n\nSELECT 3")], {"X": "1"})
        self.assertEqual(
            [(p.file, p.number, p.count, p.line, p.sql) for p in planned],
            [("a.sql", 1, 2, 1, "SELECT 1"), ("a.sql", 2, 2, 2, "SELECT 2"), ("b.sql", 1, 1, 3, "SELECT 3")],
        )

    def test_reports_missing_names_of_every_file_before_running(self) -> None:
        with self.assertRaises(MissingParametersError) as caught:
            plan([("a.sql", "SELECT ${A}"), ("b.sql", "SELECT ${B}, ${A}")], {})
        self.assertEqual(caught.exception.names, ["A", "B"])
        self.assertIn("a.sql (A); b.sql (A, B)", str(caught.exception))

    def test_file_without_statements_fails(self) -> None:
        with self.assertRaisesRegex(SqlFileError, "empty.sql contains no SQL statement"):
            plan([("empty.sql", "-- nothing\n")], {})


class MainDryRunTest(unittest.TestCase):
    def run_main(self, argv: list[str]) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            # basicConfig attaches to the current stderr only once per process; give each run a fresh handler.
            for handler in list(sql_runner.logging.root.handlers):
                sql_runner.logging.root.removeHandler(handler)
            code = sql_runner.main(argv)
        return code, out.getvalue(), err.getvalue()

    def write(self, text: str) -> str:
        handle = tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False, encoding="utf-8")
        with handle:
            handle.write(text)
        self.addCleanup(os.unlink, handle.name)
        return handle.name

    def test_dry_run_prints_substituted_statements(self) -> None:
        path = self.write("CREATE TABLE t AS SELECT '${V}' AS v;\nSELECT assert_true(count(*) = 1) FROM t;\n")
        code, out, _ = self.run_main(["--sql", path, "--param", "V=a;b", "--dry-run"])
        self.assertEqual(code, 0)
        self.assertIn("statement 1/2 (line 1)\nCREATE TABLE t AS SELECT 'a;b' AS v;", out)
        self.assertIn("statement 2/2 (line 2)\nSELECT assert_true(count(*) = 1) FROM t;", out)

    def test_missing_parameter_exits_2_naming_it(self) -> None:
        path = self.write("SELECT ${NOPE}")
        code, out, err = self.run_main(["--sql", path, "--dry-run"])
        self.assertEqual((code, out), (2, ""))
        self.assertIn("missing parameter in", err)
        self.assertIn("NOPE", err)

    def test_dry_run_refuses_remote_files(self) -> None:
        code, _, err = self.run_main(["--sql", "s3a://bucket/x.sql", "--dry-run"])
        self.assertEqual(code, 2)
        self.assertIn("--dry-run reads local files only", err)

    def test_bad_param_exits_2(self) -> None:
        code, _, err = self.run_main(["--sql", "x.sql", "--param", "oops", "--dry-run"])
        self.assertEqual(code, 2)
        self.assertIn("write NAME=VALUE", err)


if __name__ == "__main__":
    unittest.main()


class ErrorMessageTest(unittest.TestCase):
    """The failure message: the innermost JVM message (a failed check arrives wrapped by the job's executor)."""

    class _Java:
        def __init__(self, message, cause=None):  # type: ignore[no-untyped-def]
            self._message, self._cause = message, cause

        def getMessage(self):  # type: ignore[no-untyped-def]  # noqa: N802 - the JVM's name
            return self._message

        def getCause(self):  # type: ignore[no-untyped-def]  # noqa: N802
            return self._cause

    def test_innermost_jvm_message(self) -> None:
        error = Exception("An error occurred while calling o83.getResult.")
        error.java_exception = self._Java(  # type: ignore[attr-defined]
            "Exception thrown in awaitResult:",
            self._Java("Job aborted", self._Java("[USER_RAISED_EXCEPTION] rows: 3, EXPECTED_ROWS is 4", self._Java(None))),
        )
        self.assertEqual(sql_runner.error_message(error), "[USER_RAISED_EXCEPTION] rows: 3, EXPECTED_ROWS is 4")

    def test_python_errors_as_they_are(self) -> None:
        self.assertEqual(sql_runner.error_message(ValueError("bad")), "bad")

    def test_parser_position_is_found(self) -> None:
        match = sql_runner.ERROR_POSITION.search("[PARSE_SYNTAX_ERROR] near 'SELEC'. (line 2, pos 0)")
        self.assertIsNotNone(match)
        self.assertEqual(match.group(1), "2")  # type: ignore[union-attr]


class DataTestsTest(unittest.TestCase):
    """`--test`: parsing the JSON, substituting parameters, and running every test (a fake session stands in)."""

    TEST = '{"name": "rows ${N}", "dataset": "${DATALAKE}/t", "failing": "row count not ${N}", "sql": "SELECT 1 WHERE ${N} > 0"}'

    def test_parameters_fill_name_dataset_description_and_query(self) -> None:
        [test] = sql_runner.parse_tests([self.TEST], {"N": "7", "DATALAKE": "/lake"})
        self.assertEqual(test, sql_runner.DataTest("rows 7", "/lake/t", "row count not 7", "SELECT 1 WHERE 7 > 0"))

    def test_missing_parameter_in_the_query_is_an_error(self) -> None:
        with self.assertRaises(MissingParametersError) as raised:
            sql_runner.parse_tests([self.TEST], {"DATALAKE": "/lake"})
        self.assertIn("N", str(raised.exception))

    def test_malformed_test_names_the_fields(self) -> None:
        for document in ('{"name": "x"}', "[1]", "not json", '{"name": "", "dataset": "d", "failing": "f", "sql": "s"}'):
            with self.assertRaises(ValueError) as raised:
                sql_runner.parse_tests([document], {})
            self.assertIn("--test 1", str(raised.exception))

    def test_text_substitution_leaves_quotes_and_unknown_names(self) -> None:
        self.assertEqual(sql_runner.substitute_text("O'Brien ${A} ${B} $${C}", {"A": "1"}), "O'Brien 1 ${B} ${C}")

    class _Result:
        def __init__(self, rows):  # type: ignore[no-untyped-def]
            self.rows = rows

        def count(self) -> int:
            return len(self.rows)

        def limit(self, n: int):  # type: ignore[no-untyped-def]
            return DataTestsTest._Result(self.rows[:n])

        def collect(self):  # type: ignore[no-untyped-def]
            return self.rows

    class _Spark:
        def __init__(self, results):  # type: ignore[no-untyped-def]
            self.results, self.queries = results, []

        def sql(self, query: str):  # type: ignore[no-untyped-def]
            self.queries.append(query)
            result = self.results[query]
            if isinstance(result, Exception):
                raise result
            return DataTestsTest._Result(result)

    def test_every_test_runs_and_a_failure_names_test_dataset_count_and_sample_rows(self) -> None:
        tests = [
            sql_runner.DataTest("bad ids", "/lake/a", "rows with a NULL in id", "q1"),
            sql_runner.DataTest("fine", "/lake/a", "rows returned", "q2"),
            sql_runner.DataTest("broken", "/lake/b", "rows returned", "q3"),
        ]
        spark = self._Spark({"q1": [f"row{i}" for i in range(12)], "q2": [], "q3": RuntimeError("no such column")})
        with self.assertLogs("sql_runner", level="INFO") as logs:
            status = sql_runner.run_tests(spark, tests)
        self.assertEqual(status, 1)
        self.assertEqual(spark.queries, ["q1", "q2", "q3"])
        text = "\n".join(logs.output)
        self.assertIn("failing row 10: row9", text)
        self.assertNotIn("failing row 11", text)
        self.assertIn("… and 2 more", text)
        self.assertIn("'fine' on /lake/a: passed", text)
        summary = logs.output[-1]
        self.assertIn("2 of 3 data tests failed", summary)
        self.assertIn("'bad ids' on /lake/a: 12 rows: rows with a NULL in id", summary)
        self.assertIn("'broken' on /lake/b: could not run: no such column", summary)

    def test_all_passing_exits_0(self) -> None:
        spark = self._Spark({"q": []})
        with self.assertLogs("sql_runner", level="INFO"):
            self.assertEqual(sql_runner.run_tests(spark, [sql_runner.DataTest("t", "d", "f", "q")]), 0)

    def test_sql_and_test_together_or_neither_is_a_usage_error(self) -> None:
        for argv in (["--sql", "a.sql", "--test", self.TEST], ["--param", "A=1"]):
            stderr = io.StringIO()
            with contextlib.redirect_stderr(stderr):
                self.assertEqual(sql_runner.main(argv), 2)

    def test_dry_run_prints_the_substituted_queries(self) -> None:
        stdout = io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(io.StringIO()):
            code = sql_runner.main(["--test", self.TEST, "--param", "N=3", "--param", "DATALAKE=/l", "--dry-run"])
        self.assertEqual(code, 0)
        self.assertIn("-- data test 1/1 'rows 3' on /l/t: fails on row count not 3\nSELECT 1 WHERE 3 > 0;", stdout.getvalue())
