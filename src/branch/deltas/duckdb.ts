/**
 * One DuckDB session for a deltas run: an in-memory database that spills to a private temporary
 * folder, never installs or loads an extension (the readers used, CSV, JSON and Parquet, are built into
 * @duckdb/node-api's binary; autoloading would fetch from the network, which cannot work offline), and
 * reports every statement it runs. Names and strings put into SQL go through `ident` and `literal`;
 * file paths are bound as parameters.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';

/** A SQL identifier for any column name: double-quoted, inner quotes doubled. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A SQL string literal: single-quoted, inner quotes doubled (DuckDB gives backslashes no meaning here). */
export function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The settings every deltas database starts with: nothing is installed or loaded from the network. */
export const OFFLINE_SETTINGS: Record<string, string> = {
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
  allow_community_extensions: 'false',
  // Every query whose row order matters says ORDER BY; not keeping the files' order saves memory and time.
  preserve_insertion_order: 'false',
};

/** A row as JavaScript values (BIGINT as bigint, DECIMAL as number, VARCHAR as string). */
export type Row = Record<string, unknown>;

/** An open DuckDB session; `close()` frees it and its spill folder. */
export class DuckSession {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly spill: string,
    private readonly onQuery: ((sql: string) => void) | undefined,
  ) {}

  /**
   * Opens a session whose spill folder is a new temporary folder.
   * @example const db = await DuckSession.open(); try { await db.all('select 1') } finally { db.close() }
   */
  static async open(onQuery?: (sql: string) => void): Promise<DuckSession> {
    // Loaded on first use: DuckDB's native library is large, and only deltas need it, not every command.
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const spill = mkdtempSync(join(tmpdir(), 'sluice-deltas-'));
    try {
      const instance = await DuckDBInstance.create(':memory:', { ...OFFLINE_SETTINGS, temp_directory: spill });
      return new DuckSession(instance, await instance.connect(), spill, onQuery);
    } catch (error) {
      rmSync(spill, { recursive: true, force: true });
      throw error;
    }
  }

  /** Runs one statement and returns its rows. */
  async all(sql: string, values?: DuckDBValue[]): Promise<Row[]> {
    this.onQuery?.(sql);
    const reader = await this.connection.runAndReadAll(sql, values);
    return reader.getRowObjectsJS() as Row[];
  }

  /** Runs one statement for its effect. */
  async run(sql: string, values?: DuckDBValue[]): Promise<void> {
    this.onQuery?.(sql);
    await this.connection.run(sql, values);
  }

  /** Closes the database and removes its spill folder. */
  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
    rmSync(this.spill, { recursive: true, force: true });
  }
}

/** A number from a DuckDB value (counts come back as bigint). */
export function num(value: unknown): number {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return value;
  if (value === null || value === undefined) return 0;
  return Number(value);
}

/** A number or null (for min, max and mean). */
export function numOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = num(value);
  return Number.isFinite(n) ? n : null;
}

/** Characters of an example value kept in a report; a longer one is cut and ends with `…`. */
export const EXAMPLE_CHARS = 200;

/** Text or null, for example values (already cast to VARCHAR in SQL), cut to EXAMPLE_CHARS. */
export function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const s = String(value);
  return s.length > EXAMPLE_CHARS ? `${s.slice(0, EXAMPLE_CHARS - 1)}…` : s;
}
