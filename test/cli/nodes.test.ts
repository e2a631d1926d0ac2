/**
 * `sluice nodes`: every node with its kind, edges (with their options) and the grants derived from
 * them, then whether the pipeline is valid; an invalid pipeline lists every problem and exits 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXAMPLE, fixture, parseJson, sluiceAwait } from './support.js';

test('lists the nodes of a pipeline with their edges and grants, says it is valid, exits 0', async () => {
  // WHEN the user lists the example's nodes, for people and as JSON
  const [human, json] = await Promise.all([sluiceAwait(['nodes', EXAMPLE]), sluiceAwait(['nodes', '--entry', EXAMPLE, '--json'])]);
  // THEN each node has a row with its kind, where its edges come from and go to, and its grants
  assert.equal(human.status, 0, human.stderr);
  assert.match(human.stdout, /^three-node-pipe /m);
  assert.match(human.stdout, /^node\s+kind\s+from\s+to\s+grants$/m);
  assert.match(human.stdout, /^raw\s+bucket\s+copy$/m);
  assert.match(human.stdout, /^copy\s+fn\s+raw\s+curated\s+read raw, write curated$/m);
  assert.match(human.stdout, /^curated\s+bucket\s+copy$/m);
  assert.match(human.stdout, /^valid$/m);
  // AND the JSON carries the same, with each grant's AWS actions and the handler's path
  assert.equal(json.status, 0, json.stderr);
  const listed = parseJson(json);
  assert.equal(listed.pipeline, 'three-node-pipe');
  assert.deepEqual(listed.problems, []);
  const copy = listed.nodes.find((n: { name: string }) => n.name === 'copy');
  assert.deepEqual({ kind: copy.kind, from: copy.from, to: copy.to }, { kind: 'fn', from: ['raw'], to: [{ node: 'curated' }] });
  assert.match(copy.handler, /examples\/three-node-copy\/handlers\/copy\.ts$/);
  assert.deepEqual(copy.grants, [
    { node: 'raw', use: 'read', actions: ['s3:GetObject'] },
    { node: 'curated', use: 'write', actions: ['s3:PutObject'] },
  ]);
});

test("shows an edge's options, such as a subscription's filter policy, and a consumer's grant on its queue", async () => {
  // WHEN the user lists a pipeline with a filtered topic subscription and queue consumers
  const result = await sluiceAwait(['nodes', fixture('messages'), '--json']);
  // THEN the topic's edge carries its filter policy AND the consumer may consume its queue
  assert.equal(result.status, 0, result.stderr);
  const nodes = parseJson(result).nodes;
  const events = nodes.find((n: { name: string }) => n.name === 'events');
  assert.deepEqual(events.to, [{ node: 'record', options: { filterPolicy: { objectType: ['x'] } } }]);
  const record = nodes.find((n: { name: string }) => n.name === 'record');
  assert.deepEqual(record.from.sort(), ['events', 'orders']);
  assert.ok(record.grants.some((g: { node: string; use: string }) => g.node === 'orders' && g.use === 'consume'), JSON.stringify(record.grants));
});

test('lists every problem of an invalid pipeline, and a missing handler file, and exits 2', async () => {
  // WHEN the user lists a pipeline with four problems, and one whose handler file is missing
  const [invalid, invalidJson, noHandler] = await Promise.all([
    sluiceAwait(['nodes', fixture('invalid')]),
    sluiceAwait(['nodes', fixture('invalid'), '--json']),
    sluiceAwait(['nodes', fixture('missing-handler')]),
  ]);
  // THEN the nodes are still listed, then each problem with its code, AND the exit code is 2
  assert.equal(invalid.status, 2, invalid.stdout + invalid.stderr);
  assert.match(invalid.stdout, /^parse\s+fn\s+raw\s+enrich/m);
  assert.match(invalid.stdout, /^4 problem\(s\):$/m);
  for (const code of ['SLUICE_E_PIPELINE_NAME', 'SLUICE_E_FN_MEMORY', 'SLUICE_E_QUEUE_VISIBILITY', 'SLUICE_E_EDGE_KIND']) assert.ok(invalid.stdout.includes(`[${code}]`), `${code} listed`);
  assert.doesNotMatch(invalid.stdout, /^valid$/m);
  // AND --json lists them as data, with the same exit code
  assert.equal(invalidJson.status, 2);
  assert.equal(parseJson(invalidJson).problems.length, 4);
  // AND a handler file that does not exist is a problem too: `run` would refuse to start
  assert.equal(noHandler.status, 2, noHandler.stdout + noHandler.stderr);
  assert.match(noHandler.stdout, /fn 'transform': handler file '\.\/handlers\/transform\.ts' does not exist .*\[SLUICE_E_HANDLER_MISSING\]/);
});

test("shows a job's handler and stage grants and a flow's outcome grant, as the roles synth writes hold them", async () => {
  const result = await sluiceAwait(['nodes', fixture('flows'), '--json']);
  assert.equal(result.status, 0, result.stderr);
  const nodes = parseJson<{ nodes: Array<{ name: string; handler?: string; grants?: Array<{ node: string; use: string; actions: string[] }> }> }>(result).nodes;
  const extract = nodes.find((n) => n.name === 'extract')!;
  assert.match(extract.handler!, /handlers\/copy\.ts$/);
  assert.deepEqual(extract.grants!.map((g) => `${g.use} ${g.node}: ${g.actions.join(' ')}`), ['readStage landing: s3:ListBucket s3:GetObject', 'write bronze: s3:PutObject']);
});
