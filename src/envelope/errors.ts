/**
 * Errors of the envelope area: a message that is not a valid envelope, an objectType nobody defined,
 * a body or data asset that fails its schema, an offloaded payload that is gone. Each names the field
 * and carries it as data; the runtime prefixes the step and the message it came from.
 */
import { InputError, type ErrorCode, type ErrorDetails } from '../model/errors.js';

/** An envelope, its body or a data asset failed validation. `field` is the dotted path of the first bad field. */
export class EnvelopeError extends InputError {
  constructor(code: ErrorCode, message: string, field?: string, details: ErrorDetails = {}) {
    super(code, message, { ...details, ...(field !== undefined ? { field } : {}) });
  }
}

/** One validation issue as zod (or any Standard Schema library) reports it. */
export interface SchemaIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>;
  readonly code?: string;
  readonly input?: unknown;
}

/** The dotted path of an issue (`data.0.id`), or '' for the value itself. */
export function issuePath(issue: SchemaIssue): string {
  return (issue.path ?? []).map((p) => String(typeof p === 'object' && p !== null ? p.key : p)).join('.');
}

/**
 * An issue as a sentence fragment: `field 'dataAssetCountry' must be a two-letter country code (given "Australia")`.
 * `what` names the value when the issue is about the whole of it ("the envelope", "the config").
 */
export function describeIssue(issue: SchemaIssue, what: string): string {
  const path = issuePath(issue);
  const subject = path ? `field '${path}'` : what;
  const missing = !('input' in issue) || issue.input === undefined;
  if (missing && issue.code === 'invalid_type') return `${subject} is missing`;
  // Our schemas say "must be ..."; other libraries' default messages are sentences of their own.
  const message = issue.message === 'Invalid input'
    ? `is not valid${issue.code ? ` (${issue.code})` : ''}`
    : /^[A-Z]/.test(issue.message) ? `is not valid: ${issue.message[0]!.toLowerCase()}${issue.message.slice(1)}` : issue.message;
  // A cross-field rule (zod's refine) reports the whole object as its input: saying so adds nothing.
  const wholeObject = issue.code === 'custom' && typeof issue.input === 'object' && issue.input !== null && !Array.isArray(issue.input);
  return `${subject} ${message}${'input' in issue && !wholeObject ? ` (given ${preview(issue.input)})` : ''}`;
}

/** A short, single-line rendering of a value for an error message. */
export function preview(value: unknown, max = 60): string {
  let text: string;
  try {
    text = value === undefined ? 'undefined' : typeof value === 'bigint' ? `${value}n` : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
