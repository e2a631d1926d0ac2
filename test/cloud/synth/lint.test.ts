/**
 * AWS's own linter over every template synth makes: every example in every stage, the fixtures that
 * use every kind and edge and every store, YAML output and splits into nested stacks. Zero errors,
 * zero warnings, and none of the informational findings docs/security-rules.md X-4 promotes. One cfn-lint
 * process for all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basename, dirname } from 'node:path';
import { templateYaml } from '../../../src/cloud/synth/write.js';
import type { Synthesis } from '../../../src/cloud/synth/synth.js';
import { everyEdgePipeline, flowPipeline, storesPipeline, threeNodePipeline } from './fixtures/pipelines.js';
import { blocking, CFN_LINT, cfnLint, examplePipelineFiles, loadExample, synthFor } from './helpers.js';

const STAGES = ['dev', 'prod'];

/** Every template of a synthesis, by file name. */
function files(label: string, s: Synthesis): Record<string, string> {
  const out: Record<string, string> = { [`${label}.json`]: s.text };
  for (const n of s.nested) out[`${label}.${n.id}.json`] = n.text;
  return out;
}

test('GIVEN every example in every stage and the fixtures WHEN linted with cfn-lint THEN there is no error, warning or promoted finding', { skip: CFN_LINT ? false : 'cfn-lint is not on PATH here (CI installs it: pip install cfn-lint==1.51.0)' }, async () => {
  const templates: Record<string, string> = {};
  const examples = examplePipelineFiles();
  for (const file of examples) {
    const pipe = await loadExample(file);
    // Named by folder too: the init templates share a pipeline name ('my-pipeline').
    for (const stage of STAGES) Object.assign(templates, files(`example-${basename(dirname(file))}-${pipe.name}-${stage}`, await synthFor(pipe, stage)));
  }
  Object.assign(templates, files('three-node', await synthFor(threeNodePipeline())));
  const every = await synthFor(everyEdgePipeline());
  Object.assign(templates, files('every-edge', every));
  Object.assign(templates, files('every-edge-destroy', await synthFor(everyEdgePipeline(), 'scratch', { removal: 'destroy' })));
  Object.assign(templates, files('every-edge-split', await synthFor(everyEdgePipeline(), 'dev', { limits: { resources: 30 } })));
  templates['every-edge.yaml'] = templateYaml(every.template);
  // Components with the stores they need (payload bucket, lineage and idempotency tables, secrets).
  for (const stage of STAGES) Object.assign(templates, files(`stores-${stage}`, await synthFor(storesPipeline(), stage)));
  Object.assign(templates, files('stores-destroy', await synthFor(storesPipeline(), 'scratch', { removal: 'destroy' })));
  Object.assign(templates, files('stores-split', await synthFor(storesPipeline(), 'dev', { limits: { resources: 30 } })));
  // A flow of two jobs and a Glue job, with its schedule and outcome topic.
  for (const stage of STAGES) Object.assign(templates, files(`flows-${stage}`, await synthFor(flowPipeline(), stage)));
  Object.assign(templates, files('flows-split', await synthFor(flowPipeline(), 'dev', { limits: { resources: 12 } })));
  const findings = blocking(cfnLint(templates));
  assert.deepEqual(findings, []);
  const names = Object.keys(templates);
  assert.ok(names.filter((n) => n.startsWith('every-edge-split.')).length >= 2, 'the split fixture has nested templates');
  assert.ok(names.filter((n) => n.startsWith('stores-split.')).length >= 2, 'the split stores fixture has nested templates');
  assert.ok(names.filter((n) => n.startsWith('flows-split.')).length >= 2, 'the split flow fixture has nested templates');
  assert.equal(names.filter((n) => n.startsWith('example-') && !n.includes('Stack')).length, examples.length * STAGES.length);
});

test('GIVEN the same pipeline WHEN synthesized twice THEN templates, nested templates and assets are byte-identical', async () => {
  for (const options of [{}, { limits: { resources: 30 } }]) {
    const a = await synthFor(everyEdgePipeline(), 'dev', options);
    const b = await synthFor(everyEdgePipeline(), 'dev', options);
    assert.equal(a.text, b.text);
    assert.deepEqual(a.nested.map((n) => [n.file, n.text]), b.nested.map((n) => [n.file, n.text]));
    assert.deepEqual(a.assets.map((x) => x.hash), b.assets.map((x) => x.hash));
    assert.deepEqual(a.assets.map((x) => Buffer.from(x.zip).toString('base64')), b.assets.map((x) => Buffer.from(x.zip).toString('base64')));
  }
});

test('GIVEN two stages WHEN synthesized THEN only names, tags and descriptions differ', async () => {
  const dev = (await synthFor(threeNodePipeline(), 'dev')).text;
  const prod = (await synthFor(threeNodePipeline(), 'prod')).text;
  assert.equal(prod, dev.replaceAll('three-node-pipe-dev', 'three-node-pipe-prod').replaceAll("stage 'dev'", "stage 'prod'").replaceAll('"dev"', '"prod"'));
});
