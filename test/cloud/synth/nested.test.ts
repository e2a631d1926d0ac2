/**
 * Pipelines larger than one CloudFormation template: split into nested stacks within every limit,
 * references carried across as outputs and parameters, stacks depending only on earlier ones, the
 * same resources as the unsplit template, and AWS's validator finding nothing wrong.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegoEngine, TemplateFile } from '@aws/cloudformation-validate';
import { flatten, LIMITS, nestedText } from '../../../src/cloud/synth/nested.js';
import { referencesIn, type Template } from '../../../src/cloud/synth/template.js';
import { chainPipeline } from '../../../bench/fixtures/synth/chain.js';
import { synthFor } from './helpers.js';

const split = await synthFor(chainPipeline(100, 'chain'));
const UNLIMITED = { resources: 1e9, outputs: 1e9, parameters: 1e9, bytes: 1e12 };

test('GIVEN a 100-stage chain WHEN synthesized THEN it is split into nested stacks that each fit every CloudFormation limit', () => {
  assert.ok(split.nested.length >= 4, `${split.nested.length} nested stacks`);
  for (const n of split.nested) {
    assert.ok(Object.keys(n.template.Resources).length <= LIMITS.resources, n.id);
    assert.ok(Object.keys(n.template.Outputs ?? {}).length <= LIMITS.outputs, n.id);
    assert.ok(Object.keys(n.template.Parameters ?? {}).length <= LIMITS.parameters, n.id);
    assert.ok(Buffer.byteLength(n.text) <= LIMITS.bytes, n.id);
    assert.equal(n.file, `${createHash('sha256').update(n.text).digest('hex')}.template.json`);
  }
  const stacks = Object.entries(split.template.Resources).filter(([, r]) => r.Type === 'AWS::CloudFormation::Stack');
  assert.equal(stacks.length, split.nested.length);
  for (const [id, r] of stacks) {
    const file = split.nested.find((n) => n.id === id)!.file;
    assert.ok((r.Properties as any).TemplateURL['Fn::Sub'].endsWith(`\${AssetsPrefix}${file}`), id);
    assert.equal(r.DeletionPolicy, 'Delete');
  }
});

test('GIVEN the split WHEN reading stack dependencies THEN each stack depends only on the root and on earlier stacks', () => {
  const order = split.nested.map((n) => n.id);
  for (const [id, r] of Object.entries(split.template.Resources)) {
    if (r.Type !== 'AWS::CloudFormation::Stack') continue;
    const uses = [...referencesIn(r.Properties).map((x) => x.id), ...(r.DependsOn ?? [])].filter((x) => order.includes(x));
    for (const used of uses) assert.ok(order.indexOf(used) < order.indexOf(id), `${id} depends on ${used}`);
  }
});

test('GIVEN a nested template WHEN reading its references THEN each resolves inside it, to a resource or a parameter the root passes', () => {
  for (const n of split.nested) {
    const known = new Set([...Object.keys(n.template.Resources), ...Object.keys(n.template.Parameters ?? {})]);
    for (const [id, r] of Object.entries(n.template.Resources)) {
      for (const x of referencesIn(r.Properties)) assert.ok(known.has(x.id), `${n.id}/${id} refers to ${x.id}`);
      for (const d of r.DependsOn ?? []) assert.ok(n.template.Resources[d], `${n.id}/${id} depends on ${d}`);
    }
    const passed = (split.template.Resources[n.id]!.Properties as any).Parameters ?? {};
    assert.deepEqual(Object.keys(passed).sort(), Object.keys(n.template.Parameters ?? {}).sort(), n.id);
  }
});

test('GIVEN the split WHEN flattened THEN every resource equals the one in the unsplit template', async () => {
  const whole = (await synthFor(chainPipeline(100, 'chain'), 'dev', { limits: UNLIMITED })).template;
  const flat = flatten(split.template, split.nested);
  assert.deepEqual(Object.keys(flat.Resources).sort(), Object.keys(whole.Resources).sort());
  for (const [id, r] of Object.entries(whole.Resources)) assert.deepEqual(flat.Resources[id]!.Properties, r.Properties, id);
  assert.deepEqual(Object.keys(flat.Outputs!).sort(), Object.keys(whole.Outputs!).sort());
});

test('GIVEN a chain that grows by one stage WHEN synthesized THEN no existing node moves to another nested stack', async () => {
  const grown = await synthFor(chainPipeline(101, 'chain'));
  const stackOf = (nested: typeof split.nested) => new Map(nested.flatMap((n) => n.units.map((u) => [u, n.id] as const)));
  const before = stackOf(split.nested);
  const after = stackOf(grown.nested);
  const last = split.nested[split.nested.length - 1]!.id;
  for (const [node, stack] of before) if (stack !== last) assert.equal(after.get(node), stack, node);
});

test('GIVEN a 500-stage chain WHEN synthesized THEN every nested stack fits and the audit-ready flat template has every node', async () => {
  const big = await synthFor(chainPipeline(500));
  assert.ok(big.nested.every((n) => Object.keys(n.template.Resources).length <= LIMITS.resources));
  const flat = flatten(big.template, big.nested);
  assert.equal(Object.values(flat.Resources).filter((r) => r.Type === 'AWS::Lambda::Function').length, 1000);
  assert.equal(Object.values(flat.Resources).filter((r) => r.Type === 'AWS::S3::Bucket').length, 501);
});

test('GIVEN the split chain WHEN validated by AWS CloudFormation Validate THEN there is no error and no warning but the named-ARN one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-validate-'));
  const engine = new RegoEngine();
  try {
    const templates: Array<[string, Template, string]> = [['root', split.template, split.text], ...split.nested.map((n) => [n.id, n.template, n.text] as [string, Template, string])];
    for (const [name, , text] of templates) {
      const file = join(dir, `${name}.json`);
      writeFileSync(file, text);
      const report = engine.validateStandard(new TemplateFile(file), { severityLevel: 'WARN' });
      assert.equal(report.status, 'OK', name);
      // W9002 flags ARNs built from physical names: that is how synth breaks the bucket/permission cycle.
      const findings = report.diagnostics.filter((d) => d.ruleId !== 'W9002').map((d) => `${d.severity} ${d.ruleId} ${d.entity?.logicalId}: ${d.message}`);
      assert.deepEqual(findings, [], name);
    }
  } finally {
    engine.free();
  }
});

test('GIVEN a nested template WHEN written THEN its text is exactly its template as compact JSON', () => {
  for (const n of split.nested) assert.equal(n.text, nestedText(n.template), n.id);
});
