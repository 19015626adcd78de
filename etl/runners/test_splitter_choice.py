"""Why sql_runner.py splits statements itself instead of with sqlparse (run by `make local-test`, which has sqlparse).

The issue asks for a well-kept library unless a test shows it fails on Spark SQL the hand-written splitter handles.
sqlparse 0.6 does not know Spark's nested bracketed comments (`/* a /* b */ c */`, accepted by Spark's parser since
3.0): it ends the comment at the first `*/` and splits at a semicolon that is still inside the comment. The local-run
tests (etl/local/pipelines.local.test.ts) run such a statement on Spark to show Spark accepts it whole. sqlparse also
reports no line numbers, which the runner's error messages need. Every other case here splits the same with both.
"""

from __future__ import annotations

import os
import sys

import pytest
import sqlparse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sql_runner import split_statements  # noqa: E402

NESTED = "SELECT 1 /* outer /* inner; */ still; */ AS one;\nSELECT 2 AS two;"


def with_sqlparse(sql: str) -> list[str]:
    return [piece.strip().rstrip(";").strip() for piece in sqlparse.split(sql) if piece.strip()]


def ours(sql: str) -> list[str]:
    return [statement.text for statement in split_statements(sql)]


def test_sqlparse_splits_inside_a_nested_comment_where_spark_sees_one_statement() -> None:
    assert ours(NESTED) == ["SELECT 1 /* outer /* inner; */ still; */ AS one", "SELECT 2 AS two"]
    assert with_sqlparse(NESTED) == ["SELECT 1 /* outer /* inner; */ still", "*/ AS one", "SELECT 2 AS two"]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 'a;b' AS s; SELECT 2",
        "SELECT 'it\\'s; ok' AS s; SELECT 2",
        'SELECT "a;b"; SELECT 2',
        "SELECT `a;b` FROM t; SELECT 2",
        "SELECT r'C:\\dir\\' AS p; SELECT 2",
    ],
)
def test_both_split_the_same_elsewhere(sql: str) -> None:
    theirs = with_sqlparse(sql)
    assert len(ours(sql)) == len(theirs) == 2
    assert ours(sql)[0] == theirs[0]
    # sqlparse keeps a comment before a statement with it; the runner drops it.
    assert ours(sql)[1] == "SELECT 2" and theirs[1].endswith("SELECT 2")
