/**
 * The data commands on an AWS stage (`--stage dev`): `put`, `send`, `ls`, `cat`, `dlq list|redrive`
 * and `nodes`, with the same output as on the local engine. Each data command branches here when
 * its stage is not `local`.
 */
import pc from 'picocolors';
import type { Pipeline } from '../model/pipeline.js';
import { parseAttributes } from './common.js';
import { loadPipeline } from './load.js';
import { emit, table, type GlobalOptions } from './output.js';
import { filesToPut } from './files.js';
import { readFileSync } from 'node:fs';

/** Options of a data command on a stage. */
export interface RemoteOptions extends GlobalOptions {
  entry?: string;
  stage?: string;
}

async function open(options: RemoteOptions): Promise<{ pipeline: Pipeline; stage: import('../cloud/stage/stage.js').RemoteStage }> {
  const { pipeline } = await loadPipeline(options.entry);
  // Loaded on demand: the local commands should not pay for the AWS SDK.
  const { RemoteStage } = await import('../cloud/stage/stage.js');
  return { pipeline, stage: await RemoteStage.open(pipeline, options.stage!) };
}

/** `sluice put <bucket> <path> --stage NAME`. */
export async function remotePut(bucket: string, path: string, options: RemoteOptions & { key?: string }): Promise<void> {
  const files = filesToPut(path, options.key);
  const { stage } = await open(options);
  const keys = await stage.put(bucket, (function* () {
    for (const f of files) yield { key: f.key, body: readFileSync(f.path) };
  })());
  emit(options, { bucket, stage: options.stage, objects: keys }, () => `put ${keys.length} object(s) into '${bucket}' on stage '${options.stage}'${keys.length <= 10 ? `: ${keys.join(', ')}` : ''}`);
}

/** `sluice send <target> <body> --stage NAME`. */
export async function remoteSend(target: string, body: string, options: RemoteOptions & { attribute?: string[] }): Promise<void> {
  const attributes = parseAttributes(options.attribute);
  const { stage } = await open(options);
  const { messageId } = await stage.send(target, body, attributes);
  emit(options, { target, stage: options.stage, sent: true, messageId }, () => `sent to '${target}' on stage '${options.stage}' (message ${messageId})`);
}

/** `sluice ls <bucket> [prefix] --stage NAME`. */
export async function remoteLs(bucket: string, prefix: string | undefined, options: RemoteOptions): Promise<void> {
  const { stage } = await open(options);
  const objects = await stage.list(bucket, prefix ?? '');
  emit(options, { bucket, stage: options.stage, objects }, () => (objects.length ? table(objects.map((o) => [o.lastModified.slice(0, 19).replace('T', ' '), o.size, o.key])) : `bucket '${bucket}' has no objects${prefix ? ` under '${prefix}'` : ''}`));
}

/** `sluice cat <bucket> <key> --stage NAME`. */
export async function remoteCat(bucket: string, key: string, options: RemoteOptions): Promise<void> {
  const { stage } = await open(options);
  const o = await stage.get(bucket, key);
  if (options.json) {
    const text = o.body.toString('utf8');
    const isText = Buffer.from(text, 'utf8').equals(o.body);
    emit(options, { bucket, key, size: o.size, eTag: o.eTag, lastModified: o.lastModified, ...(o.contentType ? { contentType: o.contentType } : {}), ...(isText ? { body: text } : { bodyBase64: o.body.toString('base64') }) }, () => '');
  } else process.stdout.write(o.body);
}

/** `sluice dlq list <node> --stage NAME`. */
export async function remoteDlqList(node: string, options: RemoteOptions): Promise<void> {
  const { pipeline, stage } = await open(options);
  const isFn = pipeline.node(node)?.kind === 'fn';
  const letters = (await stage.deadLetters(node)).map((m) => {
    if (!isFn) return { id: m.id, body: m.body, sentAt: m.sentAt, ...(m.receiveCount !== undefined ? { receiveCount: m.receiveCount } : {}), ...(m.attributes ? { attributes: m.attributes } : {}) };
    // Lambda's on-failure destination record: the same shape the local engine keeps.
    const r = JSON.parse(m.body);
    return { id: r.requestContext?.requestId ?? m.id, condition: r.requestContext?.condition, attempts: r.requestContext?.approximateInvokeCount, at: r.timestamp, error: r.responsePayload, event: r.requestPayload };
  });
  emit(options, { node, stage: options.stage, deadLetters: letters }, () => {
    if (letters.length === 0) return `'${node}' has no dead letters on stage '${options.stage}'`;
    return letters.map((l: any) => isFn
      ? `${pc.red('✗')} ${l.id} ${l.condition} after ${l.attempts} attempt(s) at ${l.at}\n    ${l.error ? `${l.error.errorType}: ${l.error.errorMessage}` : 'no error recorded'}\n    ${pc.dim(JSON.stringify(l.event).slice(0, 200))}`
      : `${pc.red('✗')} ${l.id} received ${l.receiveCount ?? '?'} time(s), sent ${l.sentAt}\n    ${pc.dim(l.body.slice(0, 200))}`).join('\n');
  });
}

/** `sluice dlq redrive <node> --stage NAME`. */
export async function remoteDlqRedrive(node: string, options: RemoteOptions): Promise<void> {
  const { stage } = await open(options);
  const count = await stage.redrive(node);
  emit(options, { node, stage: options.stage, redriven: count }, () => `redrove ${count} message(s) of '${node}' on stage '${options.stage}'`);
}

/** `sluice nodes --stage NAME`: every node with its deployed resources' physical ids. */
export async function remoteNodes(entryArg: string | undefined, options: RemoteOptions): Promise<void> {
  const { pipeline, entry } = await loadPipeline(entryArg ?? options.entry);
  const { stageStatus } = await import('../cloud/deploy/status.js');
  const s = await stageStatus(pipeline, options.stage!);
  const deployed = new Map(s.nodes.map((n) => [n.node, n]));
  const nodes = [...pipeline.nodes.values()].map((n) => ({
    name: n.name,
    kind: n.kind,
    to: pipeline.outgoing(n).map((e) => e.to.name),
    resources: (deployed.get(n.name)?.resources ?? []).map((r) => ({ part: r.part, type: r.type, physicalId: r.physicalId ?? null })),
  }));
  emit(options, { pipeline: pipeline.name, entry, stage: options.stage, stack: s.stackName, stackStatus: s.stackStatus ?? null, nodes }, () => {
    const rows = nodes.flatMap((n) => (n.resources.length ? n.resources : [{ part: '', physicalId: pc.dim('(not deployed)') }]).map((r, i) => [i === 0 ? n.name : '', i === 0 ? n.kind : '', i === 0 ? n.to.join(', ') : '', r.part, r.physicalId ?? '']));
    return `${pc.bold(pipeline.name)} ${pc.dim(`stage ${options.stage} · ${s.stackName} ${s.stackStatus ?? 'not deployed'}`)}\n${table(rows, ['node', 'kind', 'to', 'resource', 'physical id'])}`;
  });
}
