"""Per-row cost of the crmkit Arrow path on one email column:
``crmkit.arrow.fold_emails`` (trim + Unicode lower-case, the same work as
SQL ``lower(trim())``) and ``crmkit.arrow.parse_emails`` (parse, normalize,
dedup key, classify, typo check) against Arrow's own ``lower(trim())``, in
one process; and with ``--spark`` inside Spark ``mapInArrow`` (local[2])
against Spark's native ``lower(trim())``, a ``mapInArrow`` that only passes
batches through (the Arrow transport) and a pandas UDF.

    .venv/bin/python bench/arrow_overhead.py [ROWS] [--spark]

Reports ns/row, best of 3; "kernel over transport" is the mapInArrow run
with a crmkit kernel minus the pass-through run.
"""

import os
import random
import sys
import time

import pyarrow as pa
import pyarrow.compute as pc

from crmkit import arrow

ROWS = int(next((a for a in sys.argv[1:] if a.isdigit()), "1000000"))


def emails(n):
    rnd = random.Random(1)
    names = ["ayse", "Mehmet", "FATMA", "john", "Mary", "kubra", "Ozge", "ali"]
    hosts = ["gmail.com", "Hotmail.com", "FIRMA.COM.TR", "gmial.com", "yahoo.com"]
    return pa.array([f" {rnd.choice(names)}.{rnd.choice(names)}{rnd.randint(0, 999)}@{rnd.choice(hosts)} " for _ in range(n)])


def best(f, repeat=3):
    t = []
    for _ in range(repeat):
        s = time.perf_counter()
        f()
        t.append(time.perf_counter() - s)
    return min(t)


def main():
    col = emails(ROWS)
    native = best(lambda: pc.utf8_lower(pc.utf8_trim_whitespace(col)))
    fold = best(lambda: arrow.fold_emails(col))
    crm = best(lambda: arrow.parse_emails(col))
    assert arrow.fold_emails(col).equals(pc.utf8_lower(pc.utf8_trim_whitespace(col)))
    print(f"rows: {ROWS}")
    print(f"pyarrow lower(trim())          {native / ROWS * 1e9:8.1f} ns/row")
    print(f"crmkit.arrow.fold_emails       {fold / ROWS * 1e9:8.1f} ns/row")
    print(f"crmkit.arrow.parse_emails      {crm / ROWS * 1e9:8.1f} ns/row")
    if "--spark" not in sys.argv:
        return
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession, functions as F

    spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
             .config("spark.driver.memory", "2g").config("spark.sql.execution.arrow.pyspark.enabled", "true").config("spark.ui.showConsoleProgress", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    df = spark.createDataFrame(pa.table({"email": col}).to_pandas()).repartition(4).cache()
    df.count()

    def transport(batches):
        for b in batches:
            yield b

    def crmkit_fold(batches):
        for b in batches:
            yield pa.record_batch([arrow.fold_emails(b.column(0))], names=["key"])

    def crmkit_parse(batches):
        for b in batches:
            yield pa.record_batch([arrow.parse_emails(b.column(0)).column("dedup_key")], names=["key"])

    @F.pandas_udf("string")
    def pandas_lower(s):
        return s.str.strip().str.lower()

    runs = {
        "spark lower(trim())": lambda: df.select(F.lower(F.trim("email")).alias("k")).write.format("noop").mode("overwrite").save(),
        "mapInArrow, transport only": lambda: df.mapInArrow(transport, "email string").write.format("noop").mode("overwrite").save(),
        "mapInArrow + crmkit fold_emails": lambda: df.mapInArrow(crmkit_fold, "key string").write.format("noop").mode("overwrite").save(),
        "mapInArrow + crmkit parse_emails": lambda: df.mapInArrow(crmkit_parse, "key string").write.format("noop").mode("overwrite").save(),
        "pandas UDF lower(strip())": lambda: df.select(pandas_lower("email")).write.format("noop").mode("overwrite").save(),
    }
    ns = {}
    for name, f in runs.items():
        ns[name] = best(f) / ROWS * 1e9
        print(f"{name:<34} {ns[name]:8.1f} ns/row")
    transport = ns["mapInArrow, transport only"]
    for kernel in ("fold_emails", "parse_emails"):
        print(f"kernel over transport: {kernel:<12} {ns['mapInArrow + crmkit ' + kernel] - transport:+8.1f} ns/row")
    spark.stop()


if __name__ == "__main__":
    main()
