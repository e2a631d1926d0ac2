/**
 * Splits a template that exceeds CloudFormation's limits (500 resources, 200 outputs, 200 parameters,
 * 1 MB) into nested stacks that still deploy as one unit. Units (a node and the wiring it owns) are
 * ordered so that what a unit references comes first, then packed into stacks; a reference across
 * stacks becomes an output of the producing stack and a parameter of the consuming one, passed by the
 * root. Stacks therefore only depend on earlier stacks: no cycle. Stack-wide resources (the key) stay
 * in the root. Chunk boundaries are content-defined (a unit whose name hashes to 0 mod 8 may end a
 * chunk once it is half full), so adding or removing a node moves few other nodes between stacks.
 */
import { createHash } from 'node:crypto';
import { STACK_UNIT, type PlacedResource, type Tag } from './context.js';
import { logicalStem } from './names.js';
import { SynthError } from './errors.js';
import { ref, referencesIn, sub, type Output, type Parameter, type Reference, type Resource, type Template, type Value } from './template.js';
import { InternalError } from '../../model/errors.js';

/** CloudFormation's per-template limits. https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html */
export const LIMITS = { resources: 500, outputs: 200, parameters: 200, bytes: 1_000_000 };

/** Per-template limits (lower ones force splitting earlier, e.g. in tests). */
export type Limits = typeof LIMITS;

/** What the splitter needs: a template's parts, with each resource's unit. */
export interface Assembly {
  description: string;
  metadata: Record<string, Value>;
  parameters: Record<string, Parameter>;
  resources: ReadonlyMap<string, PlacedResource>;
  outputs: ReadonlyMap<string, { unit: string; output: Output }>;
  tags: Tag[];
  /** Root parameters that locate nested templates in the assets bucket. */
  assets: { bucket: string; prefix: string };
}

/** A nested stack's template, its text and the file name it is published under. */
export interface NestedTemplate {
  /** Logical id of the AWS::CloudFormation::Stack in the root. */
  id: string;
  /** `<sha256 of text>.template.json`; the text is compact JSON. */
  file: string;
  text: string;
  template: Template;
  /** Node names in it. */
  units: string[];
}

/** Text of a template as written to disk: two-space JSON and a final newline. */
export function templateText(template: Template): string {
  return `${JSON.stringify(template, null, 2)}\n`;
}

/** Text of a nested template: compact JSON (only CloudFormation reads it; a third smaller and faster). */
export function nestedText(template: Template): string {
  return `${JSON.stringify(template)}\n`;
}

/** Whether a single template would break a limit. */
export function exceedsLimits(template: Template, text: string, limits: Limits = LIMITS): boolean {
  return Object.keys(template.Resources).length > limits.resources || Object.keys(template.Outputs ?? {}).length > limits.outputs || Object.keys(template.Parameters ?? {}).length > limits.parameters || Buffer.byteLength(text) > limits.bytes;
}

interface Unit {
  name: string;
  index: number;
  ids: string[];
  outputs: string[];
  deps: Set<string>;
  bytes: number;
}

interface Chunk {
  units: Unit[];
  resources: number;
  outputs: number;
  bytes: number;
  /** External references: parameter name -> [producing id, attribute]. */
  params: Map<string, [string, string | undefined]>;
}

/**
 * Split an assembly into a root template and nested templates.
 * @example const { root, nested } = splitIntoNestedStacks(assembly); nested[0].file // '3f2a....template.json'
 */
export function splitIntoNestedStacks(a: Assembly, limits: Limits = LIMITS): { root: Template; nested: NestedTemplate[] } {
  const cache = new Map<string, Reference[]>();
  const refsOf = (id: string) => {
    let found = cache.get(id);
    if (!found) cache.set(id, (found = referencesIn(a.resources.get(id)!.resource.Properties)));
    return found;
  };
  const json = new Map<string, string>();
  const units = orderUnits(a, refsOf, json);
  const unitOf = new Map<string, string>();
  for (const [id, placed] of a.resources) unitOf.set(id, placed.unit);
  const chunkOfUnit = new Map<string, number>();
  const chunks: Chunk[] = [];
  const rootParams = new Set(Object.keys(a.parameters));
  const newChunk = (): Chunk => ({ units: [], resources: 0, outputs: 0, bytes: 2000, params: new Map() });
  let current = newChunk();
  // Outputs other chunks ask of a chunk: it must keep room for them.
  const requested = new Map<number, Map<string, [string, string | undefined]>>();
  const externalOf = (unit: Unit, chunkIndex: number) => {
    const found = new Map<string, [string, string | undefined]>();
    for (const id of unit.ids) {
      for (const reference of refsOf(id)) {
        if (rootParams.has(reference.id)) found.set(reference.id, [reference.id, undefined]);
        const owner = unitOf.get(reference.id);
        if (owner === undefined || owner === unit.name) continue;
        if (owner !== STACK_UNIT && chunkOfUnit.get(owner) === chunkIndex) continue;
        found.set(paramName(reference.id, reference.attribute), [reference.id, reference.attribute]);
      }
    }
    return found;
  };
  for (const unit of units) {
    if (unit.name === STACK_UNIT) continue;
    let external = externalOf(unit, chunks.length);
    const fits = (c: Chunk) => {
      const params = new Set([...c.params.keys(), ...external.keys()]).size;
      return c.resources + unit.ids.length <= limits.resources && c.outputs + unit.outputs.length <= limits.outputs * 0.8 && params <= limits.parameters && c.bytes + unit.bytes + params * 200 <= limits.bytes;
    };
    if (current.units.length > 0 && !fits(current)) {
      chunks.push(current);
      current = newChunk();
      external = externalOf(unit, chunks.length);
      if (!fits(current)) throw new SynthError('SLUICE_E_TEMPLATE_LIMIT', `node '${unit.name}' alone exceeds CloudFormation's per-stack limits (${unit.ids.length} resources, ${external.size} references); split the node's wiring across more nodes`, { node: unit.name });
    }
    current.units.push(unit);
    current.resources += unit.ids.length;
    current.outputs += unit.outputs.length;
    current.bytes += unit.bytes;
    for (const [name, target] of external) current.params.set(name, target);
    chunkOfUnit.set(unit.name, chunks.length);
    for (const [name, target] of external) {
      const owner = unitOf.get(target[0]);
      if (owner === undefined || owner === STACK_UNIT) continue;
      const producer = chunkOfUnit.get(owner)!;
      const wanted = requested.get(producer) ?? new Map();
      wanted.set(name, target);
      requested.set(producer, wanted);
    }
    // Content-defined boundary: stable under unrelated insertions (see the module comment).
    if (current.resources >= limits.resources / 2 && fnv(unit.name) % 8 === 0) {
      chunks.push(current);
      current = newChunk();
    }
  }
  if (current.units.length > 0) chunks.push(current);
  return assemble(a, chunks, requested, unitOf, chunkOfUnit, limits, refsOf, json);
}

function assemble(a: Assembly, chunks: Chunk[], requested: Map<number, Map<string, [string, string | undefined]>>, unitOf: Map<string, string>, chunkOfUnit: Map<string, number>, limits: Limits, refsOf: (id: string) => Reference[], json: Map<string, string>) {
  const stackIds = chunks.map((c) => `${logicalStem(c.units[0]!.name)}Stack`);
  const nested: NestedTemplate[] = [];
  const rootResources: Record<string, Resource> = {};
  for (const [id, placed] of a.resources) if (placed.unit === STACK_UNIT) rootResources[id] = placed.resource;
  chunks.forEach((chunk, index) => {
    const renames = new Map<string, string>();
    for (const [name, [id, attribute]] of chunk.params) renames.set(attribute === undefined ? id : `${id}.${attribute}`, name);
    const resources: Record<string, Resource> = {};
    const encoded: string[] = [];
    const stackDeps = new Set<number>();
    for (const unit of chunk.units) {
      for (const id of unit.ids) {
        const r = a.resources.get(id)!.resource;
        const local = (r.DependsOn ?? []).filter((d) => chunkOfUnit.get(unitOf.get(d)!) === index);
        for (const d of r.DependsOn ?? []) if (!local.includes(d) && unitOf.get(d) !== STACK_UNIT) stackDeps.add(chunkOfUnit.get(unitOf.get(d)!)!);
        const external = refsOf(id).some((x) => renames.has(x.attribute === undefined ? x.id : `${x.id}.${x.attribute}`));
        const copy: Resource = external ? { ...r, Properties: rewrite(r.Properties, renames) as Record<string, unknown> } : { ...r };
        if (local.length) copy.DependsOn = local;
        else delete copy.DependsOn;
        resources[id] = copy;
        const unchanged = !external && local.length === (r.DependsOn ?? []).length;
        encoded.push(`${JSON.stringify(id)}:${unchanged ? json.get(id)! : JSON.stringify(copy)}`);
      }
    }
    const parameters: Record<string, Parameter> = {};
    const passed: Record<string, Value> = {};
    const producers = new Set<number>();
    for (const [name, [id, attribute]] of [...chunk.params].sort(([x], [y]) => x.localeCompare(y))) {
      parameters[name] = { Type: 'String', Description: attribute ? `${id}.${attribute}` : `Ref ${id}` };
      const owner = unitOf.get(id);
      if (owner === undefined || owner === STACK_UNIT) passed[name] = attribute ? { 'Fn::GetAtt': [id, attribute] } : ref(id);
      else {
        const producer = chunkOfUnit.get(owner)!;
        producers.add(producer);
        passed[name] = { 'Fn::GetAtt': [stackIds[producer]!, `Outputs.${name}`] };
      }
    }
    const outputs: Record<string, Output> = {};
    for (const unit of chunk.units) for (const o of unit.outputs) outputs[o] = a.outputs.get(o)!.output;
    for (const [name, [id, attribute]] of [...(requested.get(index) ?? [])].sort(([x], [y]) => x.localeCompare(y))) {
      outputs[name] = { Value: attribute === undefined ? ref(id) : { 'Fn::GetAtt': [id, attribute] } };
    }
    if (Object.keys(outputs).length > limits.outputs) throw new SynthError('SLUICE_E_TEMPLATE_LIMIT', `nested stack ${stackIds[index]} would need ${Object.keys(outputs).length} outputs, over CloudFormation's ${limits.outputs}; the pipeline has too many references into one part of it`);
    const template: Template = {
      AWSTemplateFormatVersion: '2010-09-09',
      Description: `${a.description} (part ${index + 1} of ${chunks.length})`,
      ...(Object.keys(parameters).length ? { Parameters: parameters } : {}),
      Resources: resources,
      ...(Object.keys(outputs).length ? { Outputs: outputs } : {}),
    };
    // The same text as nestedText(template), reusing each resource's encoding.
    const text = `{"AWSTemplateFormatVersion":"2010-09-09","Description":${JSON.stringify(template.Description)}${template.Parameters ? `,"Parameters":${JSON.stringify(parameters)}` : ''},"Resources":{${encoded.join(',')}}${template.Outputs ? `,"Outputs":${JSON.stringify(outputs)}` : ''}}\n`;
    if (Buffer.byteLength(text) > limits.bytes) throw new InternalError(`nested stack ${stackIds[index]} is ${Buffer.byteLength(text)} bytes, over CloudFormation's ${limits.bytes}: the size estimate of sluice synth is wrong`);
    const file = `${createHash('sha256').update(text).digest('hex')}.template.json`;
    nested.push({ id: stackIds[index]!, file, text, template, units: chunk.units.map((u) => u.name) });
    const dependsOn = [...stackDeps].filter((d) => !producers.has(d)).sort((x, y) => x - y).map((d) => stackIds[d]!);
    rootResources[stackIds[index]!] = {
      Type: 'AWS::CloudFormation::Stack',
      ...(dependsOn.length ? { DependsOn: dependsOn } : {}),
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
      Metadata: { 'sluice:path': `stack/${index + 1}`, 'sluice:nodes': chunk.units.map((u) => u.name) },
      Properties: {
        TemplateURL: sub(`https://\${${a.assets.bucket}}.s3.\${AWS::Region}.\${AWS::URLSuffix}/\${${a.assets.prefix}}${file}`),
        ...(Object.keys(passed).length ? { Parameters: passed } : {}),
        Tags: a.tags,
      },
    };
  });
  // Stack-wide resources stay in the root, and so do their outputs (the stores' names).
  const rootOutputs: Record<string, Output> = {};
  for (const [id, { unit, output }] of a.outputs) if (unit === STACK_UNIT) rootOutputs[id] = output;
  const root: Template = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: a.description,
    Metadata: a.metadata,
    Parameters: a.parameters,
    Resources: rootResources,
    ...(Object.keys(rootOutputs).length ? { Outputs: rootOutputs } : {}),
  };
  return { root, nested };
}

/** The parameter a stack takes for a reference it makes to another stack. */
function paramName(id: string, attribute: string | undefined): string {
  return attribute === undefined ? `${id}Ref` : `${id}${attribute.replace(/[^A-Za-z0-9]/g, '')}`;
}

/** Order units so that every unit comes after the units it references (DependsOn included). */
function orderUnits(a: Assembly, refsOf: (id: string) => Reference[], json: Map<string, string>): Unit[] {
  const units = new Map<string, Unit>();
  const unitOf = new Map<string, string>();
  for (const [id, placed] of a.resources) unitOf.set(id, placed.unit);
  for (const [id, placed] of a.resources) {
    let unit = units.get(placed.unit);
    if (!unit) units.set(placed.unit, (unit = { name: placed.unit, index: units.size, ids: [], outputs: [], deps: new Set(), bytes: 0 }));
    unit.ids.push(id);
    // Compact JSON, as nested templates are written; kept to assemble their text without re-encoding.
    const text = JSON.stringify(placed.resource);
    json.set(id, text);
    unit.bytes += text.length + id.length + 4;
  }
  for (const unit of units.values()) {
    for (const id of unit.ids) {
      const r = a.resources.get(id)!.resource;
      for (const t of [...refsOf(id).map((x) => x.id), ...(r.DependsOn ?? [])]) {
        const owner = unitOf.get(t);
        if (owner !== undefined && owner !== unit.name) unit.deps.add(owner);
      }
    }
  }
  for (const [id, { unit, output }] of a.outputs) {
    units.get(unit)?.outputs.push(id);
    const u = units.get(unit);
    if (u) u.bytes += JSON.stringify(output).length + 40;
  }
  // Depth-first, dependencies first, in declaration order otherwise: deterministic and linear.
  const ordered: Unit[] = [];
  const state = new Map<string, 'visiting' | 'placed'>();
  const visit = (unit: Unit) => {
    const seen = state.get(unit.name);
    if (seen === 'placed') return;
    if (seen === 'visiting') throw new SynthError('SLUICE_E_INTERNAL', `node '${unit.name}' is part of a reference cycle between nodes; this is a bug in sluice synth`);
    state.set(unit.name, 'visiting');
    for (const dep of unit.deps) visit(units.get(dep)!);
    state.set(unit.name, 'placed');
    ordered.push(unit);
  };
  for (const unit of units.values()) visit(unit);
  return ordered;
}

/** Rename references (`Ref`, `Fn::GetAtt`, `${X}`/`${X.Attr}` in `Fn::Sub`) to parameters. */
function rewrite(value: unknown, renames: Map<string, string>): unknown {
  if (renames.size === 0) return value;
  if (Array.isArray(value)) return value.map((v) => rewrite(v, renames));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === 'string') return renames.has(record.Ref) ? ref(renames.get(record.Ref)!) : record;
  const getAtt = record['Fn::GetAtt'];
  if (Array.isArray(getAtt)) {
    const key = `${getAtt[0]}.${getAtt[1]}`;
    return renames.has(key) ? ref(renames.get(key)!) : record;
  }
  const subValue = record['Fn::Sub'];
  if (subValue !== undefined) {
    const [text, variables] = typeof subValue === 'string' ? [subValue, undefined] : (subValue as [string, Record<string, unknown>]);
    const renamed = text.replace(/\$\{([^!}][^}]*)\}/g, (whole, name: string) => (renames.has(name) && !(variables && Object.hasOwn(variables, name)) ? `\${${renames.get(name)}}` : whole));
    return variables ? { 'Fn::Sub': [renamed, rewrite(variables, renames)] } : { 'Fn::Sub': renamed };
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) out[key] = rewrite(record[key], renames);
  return out;
}

/** FNV-1a, 32 bits: a stable hash of a unit name for chunk boundaries. */
function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * The inverse of `splitIntoNestedStacks`: one template holding every resource of the root and its
 * nested stacks, parameters resolved back to the references they stand for. Audits and tests read
 * a split pipeline through this, as if it were one template.
 * @example const whole = flatten(s.template, s.nested); whole.Resources.CopyRole
 */
export function flatten(root: Template, nested: readonly NestedTemplate[]): Template {
  if (nested.length === 0) return root;
  const byId = new Map(nested.map((n) => [n.id, n]));
  const resources: Record<string, Resource> = {};
  const outputs: Record<string, Output> = {};
  for (const [id, r] of Object.entries(root.Resources)) {
    const child = byId.get(id);
    if (!child) {
      resources[id] = r;
      continue;
    }
    const passed = ((r.Properties?.Parameters ?? {}) as Record<string, Value>);
    const renames = new Map<string, string>();
    for (const [param, value] of Object.entries(passed)) {
      const target = resolvePassed(value, byId);
      if (target) renames.set(param, target);
    }
    for (const [cid, cr] of Object.entries(child.template.Resources)) {
      resources[cid] = { ...cr, Properties: unrewrite(cr.Properties, renames) as Record<string, unknown> };
    }
    for (const [oid, o] of Object.entries(child.template.Outputs ?? {})) if (o.Description !== undefined) outputs[oid] = o;
  }
  Object.assign(outputs, root.Outputs);
  return { ...root, Resources: resources, ...(Object.keys(outputs).length ? { Outputs: outputs } : {}) };
}

/** `Id` or `Id.Attr` a parameter value stands for: root references, or a sibling stack's output. */
function resolvePassed(value: Value, byId: Map<string, NestedTemplate>): string | undefined {
  const refs = referencesIn(value);
  if (refs.length !== 1) return undefined;
  const [target] = refs;
  const producer = byId.get(target!.id);
  if (producer && target!.attribute?.startsWith('Outputs.')) {
    const output = producer.template.Outputs?.[target!.attribute.slice('Outputs.'.length)];
    return output ? resolvePassed(output.Value as Value, byId) : undefined;
  }
  return target!.attribute === undefined ? target!.id : `${target!.id}.${target!.attribute}`;
}

/** Replace parameter references with the `Id` / `Id.Attr` they stand for. */
function unrewrite(value: unknown, renames: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => unrewrite(v, renames));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === 'string' && renames.has(record.Ref)) {
    const target = renames.get(record.Ref)!;
    const dot = target.indexOf('.');
    return dot < 0 ? ref(target) : { 'Fn::GetAtt': [target.slice(0, dot), target.slice(dot + 1)] };
  }
  const subValue = record['Fn::Sub'];
  if (subValue !== undefined) {
    const [text, variables] = typeof subValue === 'string' ? [subValue, undefined] : (subValue as [string, Record<string, unknown>]);
    const renamed = text.replace(/\$\{([^!}][^}]*)\}/g, (whole, name: string) => (renames.has(name) && !(variables && Object.hasOwn(variables, name)) ? `\${${renames.get(name)}}` : whole));
    return variables ? { 'Fn::Sub': [renamed, unrewrite(variables, renames)] } : { 'Fn::Sub': renamed };
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) out[key] = unrewrite(record[key], renames);
  return out;
}
