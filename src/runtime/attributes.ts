/**
 * Message attributes: from the friendly form handlers write (`{ objectType: 'x', count: 3 }`) to the
 * SNS form filter policies read, and to and from the SQS form Lambda events carry.
 */
import type { Attributes, AttributeValue } from './types.js';
import { InputError } from '../model/errors.js';

/** Friendly values to SNS-typed attributes (SNS-06): string, number, string[] or bytes. */
export function toAttributes(input: Record<string, string | number | string[] | Uint8Array> | undefined): Attributes {
  const out: Attributes = {};
  for (const [name, value] of Object.entries(input ?? {})) {
    if (typeof value === 'string') out[name] = { type: 'String', value };
    else if (typeof value === 'number') out[name] = { type: 'Number', value: String(value) };
    else if (Array.isArray(value)) out[name] = { type: 'String.Array', value: JSON.stringify(value) };
    else if (value instanceof Uint8Array) out[name] = { type: 'Binary', value: Buffer.from(value).toString('base64') };
    else throw new InputError('SLUICE_E_MESSAGE_ATTRIBUTES', `message attribute '${name}' must be a string, number, string array or bytes (given ${typeof value})`, { field: name, given: typeof value, expected: 'a string, number, string array or bytes' });
  }
  return out;
}

/** SQS message attributes as Lambda's SQS event carries them (LSQS-05). */
export interface SqsEventAttribute {
  stringValue?: string;
  binaryValue?: string;
  stringListValues: string[];
  binaryListValues: string[];
  dataType: string;
}

/** SNS-typed attributes to the SQS event form (raw delivery turns SNS attributes into SQS ones, SNS-03). */
export function toSqsEventAttributes(attributes: Attributes): Record<string, SqsEventAttribute> {
  const out: Record<string, SqsEventAttribute> = {};
  for (const [name, a] of Object.entries(attributes)) {
    // SQS has no String.Array type: SNS delivers it as a String holding the JSON array.
    const dataType = a.type === 'String.Array' ? 'String' : a.type;
    out[name] = a.type === 'Binary'
      ? { binaryValue: a.value, stringListValues: [], binaryListValues: [], dataType }
      : { stringValue: a.value, stringListValues: [], binaryListValues: [], dataType };
  }
  return out;
}

/** The SQS event form back to SNS-typed attributes. */
export function fromSqsEventAttributes(input: Record<string, Partial<SqsEventAttribute>> | undefined): Attributes {
  const out: Attributes = {};
  for (const [name, a] of Object.entries(input ?? {})) {
    const base = (a.dataType ?? 'String').split('.')[0] as AttributeValue['type'];
    out[name] = base === 'Binary' ? { type: 'Binary', value: a.binaryValue ?? '' } : { type: base === 'Number' ? 'Number' : 'String', value: a.stringValue ?? '' };
  }
  return out;
}

/** SNS envelope attributes `{ Type, Value }` (SNS-02) to ours. */
export function fromSnsAttributes(input: Record<string, { Type: string; Value: string }> | undefined): Attributes {
  const out: Attributes = {};
  for (const [name, a] of Object.entries(input ?? {})) out[name] = { type: a.Type as AttributeValue['type'], value: a.Value };
  return out;
}

/** Ours to the SNS envelope form `{ Type, Value }`. */
export function toSnsAttributes(attributes: Attributes): Record<string, { Type: string; Value: string }> {
  const out: Record<string, { Type: string; Value: string }> = {};
  for (const [name, a] of Object.entries(attributes)) out[name] = { Type: a.type, Value: a.value };
  return out;
}

/** Bytes a message counts against SQS/SNS size limits: body plus each attribute's name, type and value (SQS-08, SNS-06). */
export function messageSize(body: string, attributes: Attributes): number {
  let size = Buffer.byteLength(body);
  for (const [name, a] of Object.entries(attributes)) size += Buffer.byteLength(name) + Buffer.byteLength(a.type) + Buffer.byteLength(a.value);
  return size;
}

// SQS-07: the characters a body (and a String attribute value, SQS-09) may hold.
const NOT_ALLOWED_IN_MESSAGES = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

/** The first character SQS refuses in a body or String attribute value (SQS-07), as `U+XXXX`, if any. */
export function refusedCharacter(text: string): string | undefined {
  const bad = NOT_ALLOWED_IN_MESSAGES.exec(text)?.[0];
  return bad === undefined ? undefined : `U+${bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * What is wrong with a message attribute's name or value for SQS and SNS (SQS-09), or undefined:
 * names are 1-256 characters of A-Z a-z 0-9 _ - ., not starting with AWS. or Amazon., not starting
 * or ending with a period, with no two periods together; values are not empty, Number values are
 * finite decimal numbers, and String and Number values hold only the characters a body may (SQS-07).
 */
export function attributeProblem(name: string, value: AttributeValue): string | undefined {
  if (name.length === 0 || name.length > 256) return `attribute names are 1 to 256 characters (given ${JSON.stringify(name)})`;
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) return `attribute name ${JSON.stringify(name)} may hold only letters, digits, _, - and .`;
  if (/^(aws|amazon)\./i.test(name)) return `attribute name ${JSON.stringify(name)} starts with a prefix AWS keeps for itself (AWS. or Amazon.)`;
  if (name.startsWith('.') || name.endsWith('.') || name.includes('..')) return `attribute name ${JSON.stringify(name)} may not start or end with a period, or hold two together`;
  if (value.value.length === 0) return `attribute '${name}' has an empty value`;
  if (value.type === 'Number' && !(/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value.value) && Number.isFinite(Number(value.value)))) {
    return `attribute '${name}' is a Number but its value ${JSON.stringify(value.value)} is not a finite decimal number`;
  }
  if (value.type !== 'Binary') {
    const bad = refusedCharacter(value.value);
    if (bad) return `attribute '${name}' holds ${bad}, a character SQS and SNS refuse in a value`;
  }
  return undefined;
}
