/**
 * The shapes of a deltas report: what `sluice branch deltas --json` prints and CI gates read. Every
 * field listed here is always present (`null` or `[]` when it does not apply), so a gate can read
 * `buckets[0].tables[0].rows.changed` without checking for it first. Fields are only ever added.
 */

/** A tabular format sluice reads rows from. */
export type TabularFormat = 'csv' | 'jsonl' | 'json' | 'parquet';

/** One object of one side: its key in the bucket and a local file with its bytes. */
export interface DeltaObject {
  /** The object's key in the bucket. */
  key: string;
  /** A local file holding the object's bytes (on AWS stages, downloaded first). */
  path: string;
  /** The object's size in bytes. */
  size: number;
  /** The MD5 of the bytes in hex, when known (S3's ETag of a single-part upload). */
  etag?: string;
}

/** Both sides of one branched bucket: main's objects and the branch's. */
export interface BucketSides {
  /** The bucket's node name. */
  bucket: string;
  /** Main's objects (restricted to the sample by lineage, when the branch was sampled). */
  main: DeltaObject[];
  /** The branch's objects. */
  branch: DeltaObject[];
  /** The bucket's declared format: used for keys without a tabular extension. */
  format?: TabularFormat;
  /** The bucket's declared unique row keys. */
  keys?: string[];
  /** Main's objects kept whole in a sampled comparison because they have no lineage (`comparison.ts`). */
  notSampled?: number;
}

/** Options of `bucketDeltas`. */
export interface DeltasOptions {
  /** Row key columns (`--keys`); win over the bucket's declared keys. @default the bucket's keys */
  keys?: string[];
  /** Called as objects and tables are compared: `done` of `total` steps. */
  onProgress?: (done: number, total: number) => void;
  /** Called with every SQL statement sent to DuckDB, in order (for the benchmark and debugging). */
  onQuery?: (sql: string) => void;
  /** Examples kept per list (changed values per column, added and removed rows, duplicate keys). @default 3 */
  examples?: number;
}

/** Which side of the comparison. */
export type Side = 'main' | 'branch';

/** A tabular object that does not parse as its format: left out of its table, named here. */
export interface UnreadableObject {
  key: string;
  side: Side;
  /** The format it was read as. */
  format: TabularFormat;
  /** DuckDB's reason, first line, with the local path replaced by the key. */
  error: string;
}

/** Objects compared by key, then by MD5 (when both sides know it) or by bytes. */
export interface ObjectDeltas {
  /** Keys only the branch has, sorted. */
  added: string[];
  /** Keys only main has, sorted. */
  removed: string[];
  /** Keys on both sides whose bytes differ, sorted. */
  changed: string[];
  /** How many keys hold the same bytes on both sides. */
  unchanged: number;
  /** Tabular objects that do not parse as their format (also counted above by their bytes). */
  unreadable: UnreadableObject[];
}

/** A row's key values (or, without keys, the whole row), as text: DuckDB's VARCHAR cast, `null` for NULL. */
export type RowValues = Record<string, string | null>;

/** Row counts of one table; the diff counts are `null` when duplicate keys prevent a keyed diff. */
export interface RowDeltas {
  /** Rows main's side holds. */
  main: number;
  /** Rows the branch's side holds. */
  branch: number;
  /** Rows (keys) only the branch has; without keys, rows the branch has more copies of. */
  added: number | null;
  /** Rows (keys) only main has; without keys, rows main has more copies of. */
  removed: number | null;
  /** Keys on both sides with a different value in some column both sides have; always 0 without keys. */
  changed: number | null;
  /** Rows the same on both sides. */
  unchanged: number | null;
}

/** Key values present more than once on one side. */
export interface DuplicateKeys {
  /** Distinct key values that occur more than once. */
  keys: number;
  /** Rows holding those key values. */
  rows: number;
  /** A few of them, most repeated first, each with how often it occurs. */
  examples: Array<{ key: RowValues; count: number }>;
}

/** Per-column facts of one side. `min`, `max` and `mean` are numbers for numeric columns, else `null`. */
export interface ColumnSummary {
  /** DuckDB's type of the column on this side, e.g. `BIGINT`, `VARCHAR`, `DOUBLE`. */
  type: string;
  /** Non-null values. */
  count: number;
  /** Null values. */
  nulls: number;
  /** Distinct non-null values (exact). */
  distinct: number;
  min: number | null;
  max: number | null;
  mean: number | null;
}

/** A changed value of one column, for one key. */
export interface ValueChange {
  key: RowValues;
  main: string | null;
  branch: string | null;
}

/** One column of a table: both sides' summaries and (for keyed tables) its changed values. */
export interface ColumnDelta {
  column: string;
  /** `null` when main's side lacks the column. */
  main: ColumnSummary | null;
  /** `null` when the branch's side lacks the column. */
  branch: ColumnSummary | null;
  /** Keys whose value in this column differs (0 for key columns, columns one side lacks, and tables without keys). */
  changed: number;
  /** A few of them, by key order. */
  examples: ValueChange[];
}

/** Columns added, removed or retyped between main's side and the branch's. */
export interface SchemaDeltas {
  added: Array<{ column: string; type: string }>;
  removed: Array<{ column: string; type: string }>;
  retyped: Array<{ column: string; main: string; branch: string }>;
}

/**
 * One table: the tabular objects of one format under one folder of the bucket, Hive-style partition
 * folders (`name=value`) left out, so `orders/day=1/a.parquet` and `orders/day=2/b.parquet` are the
 * table `orders/*.parquet`.
 */
export interface TableDelta {
  /** The table's name: its folder and format, e.g. `orders/*.parquet` (`*.csv` at the bucket's root). */
  table: string;
  format: TabularFormat;
  /** Readable objects read per side. */
  objects: { main: number; branch: number };
  /** The key columns rows are matched by; `[]` compares whole rows as multisets. */
  keys: string[];
  /** Where the keys came from: `--keys`, the bucket's declaration, or none (whole rows). */
  keysFrom: 'option' | 'bucket' | 'none';
  rows: RowDeltas;
  /** Key values not unique on a side (then no row diff is made); `null` when both sides' keys are unique or there are no keys. */
  duplicates: { main: DuplicateKeys | null; branch: DuplicateKeys | null } | null;
  schema: SchemaDeltas;
  /** Every column of either side, main's order first, then the branch's new ones. */
  columns: ColumnDelta[];
  /** A few added and removed rows: their key values (whole rows without keys), in order. */
  examples: { added: RowValues[]; removed: RowValues[] };
}

/** One branched bucket compared with main's copy. */
export interface BucketDelta {
  bucket: string;
  /** Main's objects compared whole in a sampled comparison, having no lineage to sample by: flagged "not sampled: no lineage". */
  notSampled?: number;
  objects: ObjectDeltas;
  /** Its tables, by name. */
  tables: TableDelta[];
}

/** A whole deltas run: every branched output bucket. */
export interface DeltasReport {
  branch: string;
  /** The base stage. */
  stage: string;
  /** The node the branch was made from. */
  from: string;
  /** The sample the branch was triggered on, if any. */
  sample?: { percent?: number; keys?: string; since?: string };
  /** ISO time the report was made. */
  generatedAt: string;
  buckets: BucketDelta[];
}
