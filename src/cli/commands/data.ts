/**
 * The data commands, on any stage (`--stage local`, the default, or an AWS stage): `put` files into a
 * bucket, `send` a message to a queue or topic, `ls` a bucket, `cat` an object. Locally they write to
 * the state the engine reads, so a running `sluice dev` picks puts and sends up at once; otherwise the
 * next `sluice run` does. On AWS the deployed pipeline processes them.
 */
import type { Command } from 'commander';
import { action, parseAttributes } from '../common.js';
import { emit } from '../output.js';
import { formatObjects } from '../render.js';
import { onStage, withStageOptions, type StageOptions } from '../stage.js';

export function registerData(program: Command): void {
  withStageOptions(program.command('put <bucket> <path>'))
    .description('put a file, or every file under a folder, into a bucket (keys relative to the folder)')
    .option('--key <key>', "the object key for a file; for a folder, the folder its files go under (--key in puts dir/a.csv as in/a.csv)")
    .option('--force', 'put every file of a folder, even those the bucket already holds with the same content')
    .addHelpText('after', `
A folder put again skips the files the bucket already holds with the same content (so an
interrupted put resumes, and nothing is triggered twice); --force puts them all. Symbolic links,
FIFOs, sockets, devices and names that are not UTF-8 are skipped, and said.`)
    .action(action(async (bucket: string, path: string, options: StageOptions & { key?: string; force?: boolean }) => {
      const { filesToPut, putFiles, describeLeftOut } = await import('../files.js');
      const scan = filesToPut(path, options.key);
      await onStage(options, async (stage) => {
        const result = await putFiles(stage, bucket, scan, { force: options.force === true });
        const keys = result.put;
        const leftOut = describeLeftOut(result);
        emit(options, { bucket, stage: stage.name, objects: keys, unchanged: result.unchanged, skipped: result.skipped }, () => `put ${keys.length} object(s) into '${bucket}'${stage.label}${keys.length && keys.length <= 10 ? `: ${keys.join(', ')}` : ''}${leftOut ? `\n${leftOut}` : ''}\n${stage.afterWrite}`);
      });
    }));

  withStageOptions(program.command('send <target> <body>'))
    .description('send a message to a queue, or publish it to a topic (the body is text, typically JSON)')
    .option('--attribute <name=value>', 'a message attribute (repeatable); numbers become Number attributes', (v: string, all: string[] = []) => [...all, v])
    .action(action(async (target: string, body: string, options: StageOptions & { attribute?: string[] }) => {
      const attributes = parseAttributes(options.attribute);
      await onStage(options, async (stage) => {
        const { messageId } = await stage.send(target, body, attributes);
        emit(options, { target, stage: stage.name, sent: true, messageId }, () => `sent to '${target}'${stage.label} (message ${messageId})`);
      });
    }));

  withStageOptions(program.command('ls <bucket> [prefix]'))
    .description('list the objects of a bucket, optionally under a key prefix')
    .action(action(async (bucket: string, prefix: string | undefined, options: StageOptions) => {
      await onStage(options, async (stage) => {
        const objects = await stage.list(bucket, prefix ?? '');
        emit(options, { bucket, stage: stage.name, objects }, () => formatObjects(bucket, prefix, objects));
      });
    }));

  withStageOptions(program.command('cat <bucket> <key>'))
    .description("print an object's bytes (with --json: its metadata, including the ingestion-id of the step that wrote it, and body)")
    .action(action(async (bucket: string, key: string, options: StageOptions) => {
      await onStage(options, async (stage) => {
        const { body, ...o } = await stage.get(bucket, key);
        if (!options.json) {
          process.stdout.write(body);
          return;
        }
        const text = body.toString('utf8');
        const isText = Buffer.from(text, 'utf8').equals(body);
        emit(options, { ...o, stage: stage.name, ...(isText ? { body: text } : { bodyBase64: body.toString('base64') }) }, () => '');
      });
    }));
}
