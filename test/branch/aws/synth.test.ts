/**
 * The branch's stack as synthesized, without AWS: every physical name under the branch stage, the
 * grants on main limited to reading exactly the upstream data the branch consumes, nothing of main's
 * wired (no notification, subscription or event source mapping on main's resources), and cfn-lint
 * clean, for an event-driven branch (through main's queue), a job branch (examples/medallion) and the
 * examples' own branches.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Statement, Template } from '../../../src/cloud/synth/template.js';
import { planBranch, type BranchPlan } from '../../../src/branch/plan.js';
import { branchStack, branchSynthesis } from '../../../src/branch/aws/stack.js';
import { replaySources } from '../../../src/branch/aws/replay.js';
import { flatten } from '../../../src/cloud/synth/nested.js';
import { UNSCOPABLE_ACTIONS } from '../../../src/cloud/synth/actions.js';
import type { Pipeline } from '../../../src/model/pipeline.js';
import { bucket, fn, pipeline, queue, topic } from '../../../src/index.js';
import { blocking, CACHE_DIR, CFN_LINT, cfnLint, show } from '../../cloud/synth/helpers.js';
import scores from './fixtures/scores.pipeline.js';
import medallion from '../../../examples/medallion/pipeline.js';
import pylon from '../../../examples/pylon-components/pipeline.js';

/** Actions that only read. */
const READ_ACTIONS = new Set(['s3:GetObject', 's3:ListBucket', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan']);

/** Every policy statement of the template with where it sits: role policies and resource policies. */
function statements(template: Template): Array<{ where: string; statement: Statement }> {
  const found: Array<{ where: string; statement: Statement }> = [];
  for (const [id, r] of Object.entries(template.Resources)) {
    const p = r.Properties as Record<string, any> | undefined;
    for (const policy of p?.Policies ?? []) for (const s of policy.PolicyDocument.Statement) found.push({ where: `${id} (role)`, statement: s });
    if (p?.PolicyDocument) for (const s of p.PolicyDocument.Statement) found.push({ where: `${id} (${r.Type})`, statement: s });
    if (p?.KeyPolicy) for (const s of p.KeyPolicy.Statement) found.push({ where: `${id} (key)`, statement: s });
  }
  return found;
}

/**
 * Check every Allow statement: its resources are the branch's own (a reference into the template, or a
 * name under the branch stage), main's upstream data with read actions only, or `*` for actions AWS
 * cannot scope (and the key's own account statement). Returns the main resources read.
 */
function checkGrants(template: Template, plan: BranchPlan, pipe: Pipeline): string[] {
  const mainBase = `${plan.pipeline}-${plan.stage}-`;
  const branchBase = `${plan.pipeline}-${plan.branchStage}`;
  // Main's nodes in the branch's stack: the plan's upstream, and the buckets whose events reach it through main's queues.
  const upstream = [...branchStack(pipe, plan).external.nodes].map((u) => `${mainBase}${u}`);
  const readOfMain: string[] = [];
  for (const { where, statement } of statements(template)) {
    if (statement.Effect !== 'Allow') continue;
    const actions = [statement.Action].flat() as string[];
    for (const resource of [statement.Resource].flat()) {
      const text = show(resource);
      if (typeof resource === 'object' && resource !== null && ('Ref' in resource || 'Fn::GetAtt' in resource)) {
        assert.ok(template.Resources[text.split('.')[0]!], `${where}: ${text} is a resource of the branch's stack`);
        continue;
      }
      if (text === '*') {
        const key = where.endsWith('(key)');
        assert.ok(key || actions.every((a) => UNSCOPABLE_ACTIONS.has(a)), `${where}: * only for actions AWS cannot scope (given ${actions.join(', ')})`);
        continue;
      }
      const names = [...text.matchAll(new RegExp(`${plan.pipeline}-[a-z0-9-]+`, 'g'))].map((m) => m[0]);
      for (const name of names) {
        if (name.startsWith(branchBase)) continue;
        const main = upstream.find((u) => name === u);
        assert.ok(main, `${where}: ${text} names '${name}', which is neither the branch's nor main's upstream data (${upstream.join(', ')})`);
        assert.ok(actions.every((a) => READ_ACTIONS.has(a)), `${where}: on main's ${name} only reads (given ${actions.join(', ')})`);
        readOfMain.push(`${actions.join(',')} ${text.replace('arn:${AWS::Partition}:', 'arn:')}`);
      }
    }
  }
  return readOfMain.sort();
}

/** Physical names the template gives its resources (every `*Name` property that is text). */
function physicalNames(template: Template): string[] {
  const names: string[] = [];
  for (const r of Object.values(template.Resources)) {
    for (const [k, v] of Object.entries((r.Properties ?? {}) as Record<string, unknown>)) if (/Name$/.test(k) && typeof v === 'string' && k !== 'PolicyName') names.push(v);
  }
  return names;
}

async function synth(pipe: Pipeline, from: string, name: string, stage = 'dev') {
  const plan = planBranch(pipe, from, name, stage);
  const s = await branchSynthesis(pipe, plan, { cacheDir: CACHE_DIR });
  return { plan, s, template: flatten(s.template, s.nested) };
}

test('GIVEN scores branched from score WHEN its stack is synthesized THEN it is its own stack, every name is under the branch stage, and it reads main\'s rows through main\'s queue\'s events without touching the queue', async () => {
  const { plan, s, template } = await synth(scores, 'score', 'try');
  // THEN the stack and every physical name are the branch's
  assert.equal(s.stackName, 'scores-dev--try');
  assert.equal(s.stage, 'dev--try');
  const names = physicalNames(template);
  assert.ok(names.length >= 4, names.join(', '));
  for (const n of names) assert.ok(n.startsWith('scores-dev--try-') || n.startsWith('/aws/lambda/scores-dev--try-') || n === 'alias/scores-dev--try', `${n} is under the branch stage`);
  // AND nothing of main's is created or wired: no rows bucket, no to-score queue, no mapping on main's queue
  const types = Object.values(template.Resources).map((r) => `${r.Metadata?.['sluice:path']} ${r.Type}`);
  assert.ok(!types.some((t) => /^(rows|to-score)[/-]/.test(t)), types.join('\n'));
  assert.ok(!types.some((t) => t.includes('AWS::Lambda::EventSourceMapping')), 'score is fed by the replay, never by main\'s queue');
  // AND score's role reads main's rows (the bucket the queue's S3 events name) and nothing else of main's
  assert.deepEqual(checkGrants(template, plan, scores), ['s3:GetObject arn:s3:::scores-dev-rows/*']);
  // AND its bindings name main's rows for reading, the branch's scores for writing
  const env = (template.Resources.ScoreFunction!.Properties as any).Environment.Variables;
  const bindings = JSON.parse(typeof env.SLUICE_BINDINGS === 'string' ? env.SLUICE_BINDINGS : env.SLUICE_BINDINGS['Fn::Sub'][0]);
  assert.deepEqual([bindings.rows.name, bindings.rows.uses, bindings.scores.name, bindings.scores.uses], ['scores-dev-rows', ['read'], 'scores-dev--try-scores', ['write']]);
  assert.equal(bindings['to-score'], undefined, 'no binding on main\'s queue');
  assert.equal(env.SLUICE_LINEAGE_TABLE, 'scores-dev--try-sluice-lineage', 'lineage goes to the branch\'s own table');
  // AND the replay reads rows' objects for score
  assert.deepEqual(replaySources(plan, branchStack(scores, plan).pipe).map((r) => `${r.bucket.name}->${r.target.name}`), ['rows->score']);
});

test('GIVEN medallion branched from clean WHEN its stack is synthesized THEN the branch flow runs only clean and aggregate, and the jobs read main\'s bronze only', async () => {
  const { plan, template } = await synth(medallion, 'clean', 'dedup');
  const machines = Object.values(template.Resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
  assert.equal(machines.length, 1);
  const definition = JSON.stringify((machines[0]!.Properties as any).DefinitionString);
  assert.match(definition, /Clean/);
  assert.match(definition, /Aggregate/);
  assert.doesNotMatch(definition, /Extract|Enrich/);
  assert.ok(!Object.values(template.Resources).some((r) => r.Type === 'AWS::Events::Rule'), 'no schedule: the branch runs only when triggered');
  // THEN main's bronze is listed and read, nothing else of main's
  assert.deepEqual(checkGrants(template, plan, medallion), ['s3:GetObject arn:s3:::medallion-dev-bronze/*', 's3:ListBucket arn:s3:::medallion-dev-bronze']);
});

test('GIVEN the examples branched on a stage WHEN linted with cfn-lint THEN there is no error, warning or promoted finding', { skip: CFN_LINT ? false : 'cfn-lint is not on PATH here (CI installs it: pip install cfn-lint==1.51.0)' }, async () => {
  const templates: Record<string, string> = {};
  for (const [label, pipe, from] of [['scores-score', scores, 'score'], ['scores-parse', scores, 'parse'], ['medallion-clean', medallion, 'clean'], ['pylon-parse', pylon, 'parse-incidents']] as const) {
    const { s, plan } = await synth(pipe, from, 'lint');
    templates[`${label}.json`] = s.text;
    for (const n of s.nested) templates[`${label}.${n.id}.json`] = n.text;
    checkGrants(flatten(s.template, s.nested), plan, pipe);
  }
  assert.deepEqual(blocking(cfnLint(templates)), []);
});

test('GIVEN a branch fed by main\'s queue of plain messages WHEN its replay is planned THEN it is refused with the step to branch from instead', () => {
  // GIVEN a queue a step sends envelopes to: main holds its messages only in the queue
  const p = pipeline('msgs', [bucket('in').to(fn('send', { handler: './x.ts' })).to(queue('work')).to(fn('take', { handler: './y.ts' })), topic('news').to(fn('hear', { handler: './z.ts' }))]);
  const plan = planBranch(p, 'take', 'try', 'dev');
  assert.throws(() => replaySources(plan, branchStack(p, plan).pipe), (e: { code: string; message: string }) => e.code === 'SLUICE_E_BRANCH_AWS_MESSAGE_INPUT' && /branch from the step that sends to work instead/.test(e.message));
});
