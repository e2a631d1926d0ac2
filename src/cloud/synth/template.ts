/**
 * The CloudFormation template as plain data: the shapes synth builds, the intrinsic functions it uses
 * (`Ref`, `Fn::GetAtt`, `Fn::Sub`) and a walker that finds every reference a value makes, which the
 * nested-stack splitter and the tests rely on. Nothing here knows about pipelines.
 */

/** Any JSON value a template may hold, intrinsics included. */
export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

/** `{ Ref: id }`: a resource's primary id, a parameter, or a pseudo parameter (`AWS::Region`). */
export type Ref = { Ref: string };
/** `{ 'Fn::GetAtt': [id, attribute] }`. */
export type GetAtt = { 'Fn::GetAtt': [string, string] };
/** `{ 'Fn::Sub': text }` or `{ 'Fn::Sub': [text, variables] }`. */
export type Sub = { 'Fn::Sub': string | [string, Record<string, Value>] };
/** A string-valued expression: a literal or an intrinsic that resolves to a string. */
export type Str = string | Ref | GetAtt | Sub;

/** One IAM policy statement (identity or resource policy). */
export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: '*' | { AWS?: Str | Str[]; Service?: string | string[] };
  Action: string | string[];
  /** Absent only in trust policies. */
  Resource?: Str | Str[];
  Condition?: Record<string, Record<string, Value>>;
}

/** An IAM policy document. */
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Statement[];
}

/** One resource of a template. Keys are written in this order, so output is stable. */
export interface Resource {
  Type: string;
  DependsOn?: string[];
  DeletionPolicy?: 'Delete' | 'Retain' | 'Snapshot';
  UpdateReplacePolicy?: 'Delete' | 'Retain' | 'Snapshot';
  Metadata?: Record<string, Value>;
  Properties?: Record<string, unknown>;
}

/** A template parameter. */
export interface Parameter {
  Type: 'String';
  Description?: string;
  Default?: string;
  AllowedPattern?: string;
}

/** A template output. */
export interface Output {
  Description?: string;
  Value: Str;
}

/** A whole CloudFormation template. */
export interface Template {
  AWSTemplateFormatVersion: '2010-09-09';
  Description?: string;
  Metadata?: Record<string, Value>;
  Parameters?: Record<string, Parameter>;
  Resources: Record<string, Resource>;
  Outputs?: Record<string, Output>;
}

/**
 * `{ Ref: id }`.
 * @example ref('RawBucket') // { Ref: 'RawBucket' }
 */
export function ref(id: string): Ref {
  return { Ref: id };
}

/**
 * `{ 'Fn::GetAtt': [id, attribute] }`.
 * @example getAtt('OrdersQueue', 'Arn')
 */
export function getAtt(id: string, attribute: string): GetAtt {
  return { 'Fn::GetAtt': [id, attribute] };
}

/**
 * `{ 'Fn::Sub': text }`, or with variables when given.
 * @example sub('arn:${AWS::Partition}:s3:::${Name}', { Name: 'p-dev-raw' })
 */
export function sub(text: string, variables?: Record<string, Value>): Sub {
  return variables && Object.keys(variables).length > 0 ? { 'Fn::Sub': [text, variables] } : { 'Fn::Sub': text };
}

/** The ARN of an AWS resource from its service, resource part and whether it is regional. */
export function arn(service: string, resource: string, scope: 'global' | 'regional' | 'account' = 'regional'): Sub {
  const region = scope === 'regional' ? '${AWS::Region}' : '';
  const account = scope === 'global' ? '' : '${AWS::AccountId}';
  return sub(`arn:\${AWS::Partition}:${service}:${region}:${account}:${escapeSub(resource)}`);
}

/** Escape `${` in literal text placed inside an `Fn::Sub` string. */
export function escapeSub(text: string): string {
  return text.replace(/\$\{/g, '${!');
}

/** One reference a value makes to a logical id: by `Ref`, by `Fn::GetAtt` or inside an `Fn::Sub`. */
export interface Reference {
  id: string;
  /** The attribute for `Fn::GetAtt` (or `${Id.Attr}` in a Sub); undefined for a `Ref`. */
  attribute?: string;
}

const SUB_VARIABLE = /\$\{([^!}][^}]*)\}/g;

/**
 * Every logical id a value refers to (pseudo parameters excluded), in order of appearance.
 * @example referencesIn({ 'Fn::Sub': '${Q.Arn}/${AWS::Region}' }) // [{ id: 'Q', attribute: 'Arn' }]
 */
export function referencesIn(value: unknown, found: Reference[] = []): Reference[] {
  if (Array.isArray(value)) {
    for (const item of value) referencesIn(item, found);
    return found;
  }
  if (value === null || typeof value !== 'object') return found;
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === 'string') {
    if (!record.Ref.startsWith('AWS::')) found.push({ id: record.Ref });
    return found;
  }
  const getAttValue = record['Fn::GetAtt'];
  if (Array.isArray(getAttValue)) {
    found.push({ id: String(getAttValue[0]), attribute: String(getAttValue[1]) });
    return found;
  }
  const subValue = record['Fn::Sub'];
  if (subValue !== undefined) {
    const [text, variables] = typeof subValue === 'string' ? [subValue, {}] : (subValue as [string, Record<string, unknown>]);
    for (const match of text.matchAll(SUB_VARIABLE)) {
      const name = match[1]!;
      if (name.startsWith('AWS::') || Object.hasOwn(variables, name)) continue;
      const dot = name.indexOf('.');
      found.push(dot < 0 ? { id: name } : { id: name.slice(0, dot), attribute: name.slice(dot + 1) });
    }
    referencesIn(variables, found);
    return found;
  }
  for (const key of Object.keys(record)) referencesIn(record[key], found);
  return found;
}
