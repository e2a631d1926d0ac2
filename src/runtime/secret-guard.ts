/**
 * Keeping secret values inside the step that read them. Redaction works on values, on structured
 * data, before anything is serialized: a log line's fields, an error's message, stack and properties,
 * a thrown non-Error value, what the handler prints. Searching serialized text instead would miss a
 * secret holding a quote or a backslash, which JSON escapes. Outputs that would carry a secret to
 * another step (messages with their attributes and subject, envelopes, objects with their metadata)
 * are refused rather than redacted: silently changing data is worse than failing.
 *
 * Very short secrets: a value of fewer than MIN_SUBSTRING characters is redacted and refused only
 * where it is a whole string (a field, an attribute, a log message equal to it), never inside longer
 * text, where it would mask ordinary words and numbers. Secrets that short are weak anyway; the README
 * says so.
 */
import { format } from 'node:util';

/** The shortest secret value that is looked for inside longer text. */
export const MIN_SUBSTRING = 4;

const MASK = '***';

/** The secret values a step knows, and the checks built on them. */
export class SecretGuard {
  /** Values searched for inside text, longest first (so a secret containing another is masked whole). */
  private readonly inText: readonly string[];
  /** All values, for whole-string matches. */
  private readonly whole: ReadonlySet<string>;

  constructor(values: Iterable<string>) {
    const all = [...new Set(values)].filter((v) => v.length > 0);
    this.whole = new Set(all);
    this.inText = all.filter((v) => v.length >= MIN_SUBSTRING).sort((a, b) => b.length - a.length);
  }

  /** Whether there is anything to guard. */
  get empty(): boolean {
    return this.whole.size === 0;
  }

  /** `text` with every secret value replaced by `***`. */
  redactText(text: string): string {
    if (this.whole.has(text)) return MASK;
    let out = text;
    for (const v of this.inText) if (out.includes(v)) out = out.split(v).join(MASK);
    return out;
  }

  /** A copy of `value` with every string in it redacted (objects and arrays walked; buffers kept). */
  redactValue<T>(value: T, seen = new WeakSet<object>()): T {
    if (typeof value === 'string') return this.redactText(value) as T;
    if (value === null || typeof value !== 'object' || value instanceof Uint8Array || seen.has(value)) return value;
    seen.add(value);
    if (Array.isArray(value)) return value.map((v) => this.redactValue(v, seen)) as T;
    if (value instanceof Error) return this.redactError(value) as T;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[this.redactText(k)] = this.redactValue(v, seen);
    return out as T;
  }

  /** Whether `value` (text, bytes, or anything holding them) contains a secret value. */
  holds(value: unknown, seen = new WeakSet<object>()): boolean {
    if (typeof value === 'string') return this.whole.has(value) || this.inText.some((v) => value.includes(v));
    if (value instanceof Uint8Array) {
      const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      return this.inText.some((v) => bytes.includes(v)) || (bytes.length < MIN_SUBSTRING && this.whole.has(bytes.toString('utf8')));
    }
    if (value === null || typeof value !== 'object' || seen.has(value)) return false;
    seen.add(value);
    return Object.entries(value).some(([k, v]) => this.holds(k, seen) || this.holds(v, seen));
  }

  /**
   * A thrown value with secrets removed: an Error keeps its class, with its message, stack and own
   * properties (`code`, `cause`, ...) redacted in place; anything else thrown is redacted as a value.
   */
  redactError<E>(error: E): E {
    if (this.empty) return error;
    if (!(error instanceof Error)) return this.redactValue(error);
    try {
      error.message = this.redactText(error.message);
      if (error.stack) error.stack = this.redactText(error.stack);
      for (const key of Object.getOwnPropertyNames(error)) {
        if (key === 'message' || key === 'stack') continue;
        const own = error as unknown as Record<string, unknown>;
        own[key] = key === 'cause' ? this.redactError(own[key]) : this.redactValue(own[key]);
      }
    } catch {
      // a frozen error: its serialization is redacted where it is made (serializeError)
    }
    return error;
  }
}

/** No secrets: every check passes through. */
export const NO_SECRETS = new SecretGuard([]);

// Every guard of the process: the handler's console output is redacted with all of them, since a
// console is one per process (a worker thread, a Lambda sandbox, a test process).
const consoleGuards = new Set<SecretGuard>();
let consolePatched = false;

/**
 * Redact what handlers print through `console` with the secret values of every step started in this
 * process. Installed once, when the first step with secrets starts.
 */
export function guardConsole(guard: SecretGuard): void {
  if (guard.empty) return;
  consoleGuards.add(guard);
  if (consolePatched) return;
  consolePatched = true;
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      // Values first (inspect would escape a secret's quotes and backslashes), then the text they make.
      let clean = args;
      for (const g of consoleGuards) clean = clean.map((a) => g.redactValue(a));
      let text = format(...clean);
      for (const g of consoleGuards) text = g.redactText(text);
      original(text);
    };
  }
}
