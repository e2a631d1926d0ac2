"""AWS Glue (Spark) job `enrich`: the customers dimension, with each customer's region.

Reads every bronze order file (Parquet, every column text), keeps each customer's latest row that has
a customer id, a name and a two-letter country (latest by landing file, then row in it), adds the
country's region from regions.json (shipped beside this script with extraFiles; `Unknown` for a
country it does not list) and writes silver `customers/part-00000.parquet`, the key the local twin
writes, replacing it.

sluice passes where the stages are: `--sluice-buckets` is JSON mapping the pipeline's bucket names
(bronze, silver) to the stage's S3 bucket names; the flow's state machine adds `--sluice-execution`.
Locally the flow runs the TypeScript twin enrich.local.ts instead: keep the two doing the same work.
"""
import argparse
import json
import sys

REGIONS_FILE = "regions.json"


def sluice_arguments(argv):
    """The arguments sluice gives every run (Glue passes them as --name value pairs)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice-buckets", required=True)
    parser.add_argument("--sluice-execution", default="")
    known, _ = parser.parse_known_args(argv[1:])
    return json.loads(known.sluice_buckets), known.sluice_execution


def region_of(country, regions):
    """A country's region, as the local twin gives it."""
    return regions.get(country, "Unknown")


def main():
    # Glue's Spark runtime provides these; imported here so region_of can be used without Spark.
    import io

    import boto3
    import pyarrow as pa
    import pyarrow.parquet as pq
    from awsglue.context import GlueContext
    from pyspark.context import SparkContext
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    buckets, execution = sluice_arguments(sys.argv)
    # Glue copies --extra-files into the script's working directory before the run.
    with open(REGIONS_FILE, encoding="utf-8") as f:
        regions = json.load(f)

    glue = GlueContext(SparkContext.getOrCreate())
    spark = glue.spark_session
    orders = spark.read.parquet(f"s3://{buckets['bronze']}/orders/")

    candidates = (
        orders.select(
            F.trim("customer_id").alias("customer_id"),
            F.trim("customer_name").alias("customer_name"),
            F.trim("country").alias("country"),
            F.col("_source_file"),
            F.col("_source_row").cast("int").alias("_source_row"),
        )
        .where((F.col("customer_id") != "") & (F.col("customer_name") != ""))
        .where(F.col("country").rlike("^[A-Z]{2}$"))
    )
    latest_first = Window.partitionBy("customer_id").orderBy(F.col("_source_file").desc(), F.col("_source_row").desc())
    region_map = F.create_map(*[F.lit(v) for pair in sorted(regions.items()) for v in pair])
    customers = (
        candidates.withColumn("n", F.row_number().over(latest_first))
        .where(F.col("n") == 1)
        .select(
            "customer_id",
            "customer_name",
            "country",
            F.coalesce(region_map[F.col("country")], F.lit(region_of(None, regions))).alias("region"),
        )
        .orderBy("customer_id")
        .collect()
    )
    # The dimension is small (one row per customer): it is written as one object with one PutObject.
    # Spark's own writer would list, rename and delete under customers/, which needs s3:ListBucket and
    # s3:DeleteObject on silver; the job's role holds only what its edges grant (PutObject there).
    columns = ["customer_id", "customer_name", "country", "region"]
    table = pa.table({c: pa.array([row[c] for row in customers], pa.string()) for c in columns})
    body = io.BytesIO()
    pq.write_table(table, body, compression="snappy")
    boto3.client("s3").put_object(
        Bucket=buckets["silver"], Key="customers/part-00000.parquet", Body=body.getvalue(), ContentType="application/vnd.apache.parquet"
    )
    print(json.dumps({"job": "enrich", "execution": execution, "customers": len(customers)}))


if __name__ == "__main__":
    main()
