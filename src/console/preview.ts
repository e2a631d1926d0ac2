/**
 * What the console shows of an object: JSON as its text (the page pretty-prints and folds it), CSV,
 * JSON lines and Parquet as a table a page of rows at a time (Parquet read by hyparquet, pure JS),
 * text as text, images as images (PNG, JPEG, GIF, WebP only: never SVG, which can carry script), and
 * anything else as a download. Chosen by the key's extension, then the bucket's `format`, then the
 * content type.
 */
import { parse } from 'csv-parse/sync';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import type { StoredObject } from '../stage/stage.js';

/** Rows per page of a table preview. */
export const PAGE_ROWS = 50;
/** Text previews stop here (the whole object stays downloadable). */
const MAX_TEXT = 1_000_000;

/** An object's preview. */
export type Preview =
  | { type: 'json'; text: string; truncated: boolean }
  | { type: 'table'; format: 'csv' | 'jsonl' | 'parquet'; columns: string[]; rows: unknown[][]; page: number; pages: number; total: number }
  | { type: 'text'; text: string; truncated: boolean }
  | { type: 'image'; contentType: string }
  | { type: 'binary'; contentType?: string };

/** Image types a browser shows without running anything. */
export const SAFE_IMAGE_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp' };

/** How to show an object, by its key, its bucket's format and its content type. */
export function previewKind(key: string, bucketFormat: string | undefined, contentType: string | undefined): 'json' | 'csv' | 'jsonl' | 'parquet' | 'text' | 'image' | 'binary' {
  const ext = /\.[^./]+$/.exec(key.toLowerCase())?.[0] ?? '';
  if (ext === '.json') return 'json';
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.parquet') return 'parquet';
  if (SAFE_IMAGE_TYPES[ext]) return 'image';
  if (['.txt', '.md', '.log', '.tsv', '.xml', '.yaml', '.yml', '.html', '.py', '.ts', '.js', '.sql'].includes(ext)) return 'text';
  if (bucketFormat === 'json' || bucketFormat === 'csv' || bucketFormat === 'jsonl' || bucketFormat === 'parquet') return bucketFormat;
  if (contentType?.includes('json')) return 'json';
  if (contentType?.startsWith('text/')) return 'text';
  return 'binary';
}

function looksLikeText(body: Buffer): boolean {
  const head = body.subarray(0, 4096);
  return !head.includes(0) && Buffer.from(head.toString('utf8'), 'utf8').equals(head);
}

/** The preview of an object; `page` (from 0) for tables. */
export async function previewOf(object: StoredObject, bucketFormat: string | undefined, page = 0): Promise<Preview> {
  const kind = previewKind(object.key, bucketFormat, object.contentType);
  const { body } = object;
  const text = () => body.subarray(0, MAX_TEXT).toString('utf8');
  const truncated = body.byteLength > MAX_TEXT;
  if (kind === 'json') return truncated ? { type: 'text', text: text(), truncated } : { type: 'json', text: text(), truncated };
  if (kind === 'image') return { type: 'image', contentType: SAFE_IMAGE_TYPES[/\.[^./]+$/.exec(object.key.toLowerCase())![0]]! };
  if (kind === 'csv' || kind === 'jsonl') {
    try {
      const records: unknown[] = kind === 'csv' ? (parse(body, { columns: true, skip_empty_lines: true, relax_column_count: true, bom: true }) as unknown[]) : body.toString('utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown);
      return table(kind, records, page);
    } catch {
      return { type: 'text', text: text(), truncated };
    }
  }
  if (kind === 'parquet') {
    try {
      const file = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
      const metadata = parquetMetadata(file);
      const total = Number(metadata.num_rows);
      const pages = Math.max(1, Math.ceil(total / PAGE_ROWS));
      const p = Math.min(Math.max(0, page), pages - 1);
      const rows = (await parquetReadObjects({ file, metadata, rowStart: p * PAGE_ROWS, rowEnd: Math.min(total, (p + 1) * PAGE_ROWS) })) as Array<Record<string, unknown>>;
      const columns = metadata.schema.slice(1).filter((s) => !s.num_children).map((s) => s.name);
      return { type: 'table', format: 'parquet', columns, rows: rows.map((r) => columns.map((c) => plain(r[c]))), page: p, pages, total };
    } catch {
      return { type: 'binary', ...(object.contentType ? { contentType: object.contentType } : {}) };
    }
  }
  if (kind === 'text' || looksLikeText(body)) return { type: 'text', text: text(), truncated };
  return { type: 'binary', ...(object.contentType ? { contentType: object.contentType } : {}) };
}

function table(format: 'csv' | 'jsonl', records: unknown[], page: number): Preview {
  const columns: string[] = [];
  for (const r of records.slice(0, 1000)) if (r && typeof r === 'object' && !Array.isArray(r)) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  const total = records.length;
  const pages = Math.max(1, Math.ceil(total / PAGE_ROWS));
  const p = Math.min(Math.max(0, page), pages - 1);
  const rows = records.slice(p * PAGE_ROWS, (p + 1) * PAGE_ROWS).map((r) => (columns.length ? columns.map((c) => plain((r as Record<string, unknown>)?.[c])) : [plain(r)]));
  return { type: 'table', format, columns: columns.length ? columns : ['value'], rows, page: p, pages, total };
}

/** A cell as JSON can carry it (bigints and dates from Parquet as text). */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (value && typeof value === 'object') return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return value ?? null;
}
