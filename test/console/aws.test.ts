/**
 * The console on an AWS stage (moto): the same endpoints read through the AWS Stage: the graph with
 * the stage's status, a bucket's objects and a JSON object's preview, a function's page with
 * its dead letters and its (empty) recent invocations, and a redrive refused without the token header.
 * MOTO_LAMBDA_NO_DOCKER: no function runs on moto, so the function's log group does not exist yet:
 * its page says it has no invocations rather than failing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { motoUnavailable } from '../helpers/moto.js';
import { ROOT, sluice, startCloud, type Cloud } from '../cloud/deploy/helpers.js';
import { tempDir } from '../helpers/cli.js';
import { AwsStage } from '../../src/stage/aws/stage.js';
import { loadPipeline } from '../../src/cli/load.js';
import { startConsole, type RunningConsole } from '../../src/console/server.js';

const EXAMPLE = join(ROOT, 'examples/three-node-copy/pipeline.ts');
const STAGE = 'console';

describe('the console on an AWS stage (moto)', { skip: motoUnavailable() }, () => {
  let cloud: Cloud;
  let stage: AwsStage;
  let running: RunningConsole;
  const api = async (path: string): Promise<any> => {
    const r = await fetch(`http://127.0.0.1:${running.port}${path}`, { headers: { 'x-sluice-token': running.token } });
    const body = await r.json();
    assert.equal(r.status, 200, JSON.stringify(body));
    return body;
  };

  before(async () => {
    // GIVEN the three-node example deployed, with a JSON object put into raw
    cloud = await startCloud();
    const deployed = sluice(cloud, ['deploy', EXAMPLE, '--stage', STAGE, '--yes']);
    assert.equal(deployed.status, 0, deployed.stderr);
    const file = join(tempDir(), 'order.json');
    writeFileSync(file, JSON.stringify({ id: 7, total: 9.5 }));
    assert.equal(sluice(cloud, ['put', 'raw', file, '--entry', EXAMPLE, '--stage', STAGE]).status, 0);
    // AND the console serving that stage
    stage = await AwsStage.open((await loadPipeline(EXAMPLE)).pipeline, STAGE, { aws: cloud.aws });
    running = await startConsole({ stage });
  });

  after(async () => {
    await running?.close();
    if (cloud) {
      sluice(cloud, ['destroy', EXAMPLE, '--stage', STAGE, '--yes']);
      await cloud.stop();
    }
  });

  test("shows the graph with the stage's status, the bucket, the object and the function read from AWS", async () => {
    const graph = await api('/api/graph');
    assert.deepEqual(graph.layout.graph.nodes.map((n: { id: string }) => n.id), ['raw', 'copy', 'curated']);
    // (an AWS stage's status counts queues' messages and dead letters; objects are counted by listing the bucket)
    assert.deepEqual([graph.status.stage, graph.status.deployed], [STAGE, true]);
    assert.equal(graph.status.nodes.find((n: { node: string }) => n.node === 'copy').deadLetters, 0);
    const listing = await api('/api/objects?bucket=raw');
    assert.deepEqual(listing.objects.map((o: { key: string }) => o.key), ['order.json']);
    const preview = await api('/api/preview?bucket=raw&key=order.json');
    assert.deepEqual([preview.preview.type, JSON.parse(preview.preview.text)], ['json', { id: 7, total: 9.5 }]);
    const copy = await api('/api/node?name=copy');
    assert.deepEqual(copy.deadLetters, []);
    assert.deepEqual(copy.activity, { node: 'copy', invocations: [], timings: { count: 0 } });
  });

  test('refuses a redrive without the token header', async () => {
    const r = await fetch(`http://127.0.0.1:${running.port}/api/redrive?node=copy&token=${running.token}`, { method: 'POST' });
    assert.equal(r.status, 403);
  });
});
