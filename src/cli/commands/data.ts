/**
 * Data commands on the local stage: `put` files into a bucket, `send` a message to a queue or topic,
 * `ls` a bucket, `cat` an object. They write to the state the engine reads, so a running
 * `sluice dev` picks puts and sends up at once; otherwise the next `sluice run` does.
 */
import type { Command } from 'commander';
import { action, parseAttributes, withJson } from '../common.js';
import { emit } from '../output.js';
import { openLocal } from '../local.js';
import { filesToPut, withBodies } from '../files.js';
import { table } from '../output.js';
import { InputError } from '../../model/errors.js';
import { withStage } from '../common.js';
import { remoteCat, remoteLs, remotePut, remoteSend } from '../remote.js';

interface DataOptions {
  entry?: string;
  state?: string;
  stage?: string;
  json?: boolean;
}

const common = (cmd: Command) =>
  withStage(withJson(cmd)).option('--entry <file>', 'the pipeline file', 'pipeline.ts').option('--state <dir>', 'the state folder (default: .sluice/local beside the pipeline file)');

export function registerData(program: Command): void {
  common(program.command('put <bucket> <path>'))
    .description('put a file, or every file under a folder, into a bucket (keys relative to the folder)')
    .option('--key <key>', "the object key for a file, or a key prefix for a folder's files")
    .action(action(async (bucket: string, path: string, options: DataOptions & { key?: string }) => {
      if (options.stage && options.stage !== 'local') return remotePut(bucket, path, options);
      const { engine, release } = await openLocal(options, { handlers: false });
      try {
        if (!engine.topology.buckets.has(bucket)) throw new InputError('SLUICE_E_UNKNOWN_NODE', `bucket '${bucket}' is not in pipeline '${engine.pipeline.name}' (its buckets: ${[...engine.topology.buckets.keys()].join(', ') || 'none'})`);
        const files = filesToPut(path, options.key);
        const count = engine.putMany(withBodies(bucket, files));
        emit(options, { bucket, objects: files.map((f) => f.key) }, () => `put ${count} object(s) into '${bucket}'${count <= 10 ? `: ${files.map((f) => f.key).join(', ')}` : ''}\nthey are processed by a running 'sluice dev', or by the next 'sluice run'`);
      } finally {
        await engine.close();
        release();
      }
    }));

  common(program.command('send <target> <body>'))
    .description('send a message to a queue, or publish it to a topic (the body is text, typically JSON)')
    .option('--attribute <name=value>', 'a message attribute (repeatable); numbers become Number attributes', (v: string, all: string[] = []) => [...all, v])
    .action(action(async (target: string, body: string, options: DataOptions & { attribute?: string[] }) => {
      if (options.stage && options.stage !== 'local') return remoteSend(target, body, options);
      const attributes = parseAttributes(options.attribute);
      const { engine, release } = await openLocal(options, { handlers: false });
      try {
        // The engine's message lists queues and topics only; a bucket is the likely mix-up, so say how to feed one.
        if (engine.topology.buckets.has(target)) throw new InputError('SLUICE_E_UNKNOWN_NODE', `'${target}' is a bucket, not a queue or topic of pipeline '${engine.pipeline.name}'; put a file into it with: sluice put ${target} FILE`);
        engine.send(target, body, attributes);
        emit(options, { target, sent: true }, () => `sent to '${target}'`);
      } finally {
        await engine.close();
        release();
      }
    }));

  common(program.command('ls <bucket> [prefix]'))
    .description('list the objects of a bucket, optionally under a key prefix')
    .action(action(async (bucket: string, prefix: string | undefined, options: DataOptions) => {
      if (options.stage && options.stage !== 'local') return remoteLs(bucket, prefix, options);
      const { engine, release } = await openLocal(options, { handlers: false });
      try {
        if (!engine.topology.buckets.has(bucket)) throw new InputError('SLUICE_E_UNKNOWN_NODE', `bucket '${bucket}' is not in pipeline '${engine.pipeline.name}' (its buckets: ${[...engine.topology.buckets.keys()].join(', ')})`);
        const objects = engine.store.objects.list(bucket, prefix ?? '', 100_000).map((o) => ({ key: o.key, size: o.size, eTag: o.eTag, lastModified: new Date(o.lastModified).toISOString() }));
        emit(options, { bucket, objects }, () => (objects.length ? table(objects.map((o) => [o.lastModified.slice(0, 19).replace('T', ' '), o.size, o.key])) : `bucket '${bucket}' has no objects${prefix ? ` under '${prefix}'` : ''}`));
      } finally {
        await engine.close();
        release();
      }
    }));

  common(program.command('cat <bucket> <key>'))
    .description("print an object's bytes (with --json: its metadata, including the ingestion-id of the step that wrote it, and body)")
    .action(action(async (bucket: string, key: string, options: DataOptions) => {
      if (options.stage && options.stage !== 'local') return remoteCat(bucket, key, options);
      const { engine, release } = await openLocal(options, { handlers: false });
      try {
        // Without this, an unknown bucket read as "object does not exist in bucket 'x'", as if 'x' existed.
        if (!engine.topology.buckets.has(bucket)) throw new InputError('SLUICE_E_UNKNOWN_NODE', `bucket '${bucket}' is not in pipeline '${engine.pipeline.name}' (its buckets: ${[...engine.topology.buckets.keys()].join(', ') || 'none'})`);
        const o = engine.store.objects.get(bucket, key);
        if (!o) throw new InputError('SLUICE_E_NO_SUCH_KEY', `object '${key}' does not exist in bucket '${bucket}'; list the bucket with: sluice ls ${bucket}`);
        const body = engine.store.blobs.read(o.blob);
        if (options.json) {
          const text = body.toString('utf8');
          const isText = Buffer.from(text, 'utf8').equals(body);
          emit(options, { bucket, key, size: o.size, eTag: o.eTag, lastModified: new Date(o.lastModified).toISOString(), ...(o.contentType ? { contentType: o.contentType } : {}), ...(o.metadata ? { metadata: o.metadata } : {}), ...(isText ? { body: text } : { bodyBase64: body.toString('base64') }) }, () => '');
        } else process.stdout.write(body);
      } finally {
        await engine.close();
        release();
      }
    }));
}
