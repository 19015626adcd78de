"""Count words in text files: a minimal PySpark job for the `pyspark` runtime.
# café (saved as Latin-1)

    word_count.py --input <uri or glob> [--output <uri>] [--DATALAKE <uri>]

Writes one Parquet dataset of (word, count), most frequent first, to --output, by default `<DATALAKE>/word_count`
(DATALAKE is supplied by the runtime). Words are lower-cased runs of letters, digits and
apostrophes. The runtime passes every pipeline parameter as `--NAME value` (ENV, DATALAKE, ...), so arguments this
job does not use are accepted and ignored.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Sequence

LOG = logging.getLogger("word_count")


def arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="word_count.py", description=__doc__.splitlines()[0])
    parser.add_argument("--input", "--INPUT", dest="input", required=True, help="text files to read (s3a:// URI, glob)")
    parser.add_argument("--output", "--OUTPUT", dest="output", help="where to write the counts")
    parser.add_argument("--DATALAKE", help="the data lake root; the default output is <DATALAKE>/word_count")
    args, ignored = parser.parse_known_args(argv)
    if args.output is None:
        if args.DATALAKE is None:
            parser.error("give --output, or --DATALAKE for the default <DATALAKE>/word_count")
        args.output = f"{args.DATALAKE.rstrip('/')}/word_count"
    names = sorted({arg.split("=", 1)[0] for arg in ignored if arg.startswith("--")})
    if names:
        LOG.info("ignoring arguments this job does not use: %s", ", ".join(names))
    return args


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = arguments(sys.argv[1:] if argv is None else argv)

    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    spark = SparkSession.builder.appName("word-count").getOrCreate()
    try:
        words = (
            spark.read.text(args.input)
            .select(F.explode(F.split(F.lower(F.col("value")), r"[^\p{L}\p{N}']+")).alias("word"))
            .where(F.length("word") > 0)
        )
        counts = words.groupBy("word").count().orderBy(F.desc("count"), F.asc("word"))
        counts.write.mode("overwrite").parquet(args.output)
        written = spark.read.parquet(args.output)
        LOG.info("%d distinct words written to %s; top 10:", written.count(), args.output)
        for row in written.orderBy(F.desc("count"), F.asc("word")).limit(10).collect():
            LOG.info("  %s %d", row["word"], row["count"])
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
