/**
 * `sluice dlq list <node>` and `sluice dlq redrive <node>`: what landed in a queue's dead-letter
 * queue or a function's on-failure destination, and sending it back for another try.
 */
import type { Command } from 'commander';
import pc from 'picocolors';
import { action, withJson } from '../common.js';
import { emit } from '../output.js';
import { openLocal } from '../local.js';
import { withStage } from '../common.js';
import { remoteDlqList, remoteDlqRedrive } from '../remote.js';

interface DlqOptions {
  entry?: string;
  state?: string;
  stage?: string;
  json?: boolean;
}

export function registerDlq(program: Command): void {
  const dlq = program.command('dlq').description("inspect and redrive dead letters of a queue or function");
  const common = (cmd: Command) => withStage(withJson(cmd)).option('--entry <file>', 'the pipeline file', 'pipeline.ts').option('--state <dir>', 'the state folder (default: .sluice/local beside the pipeline file)');

  common(dlq.command('list <node>'))
    .description("list the dead letters of a queue (its DLQ) or a function (its on-failure destination), with each failure's error")
    .action(action(async (node: string, options: DlqOptions) => {
      if (options.stage && options.stage !== 'local') return remoteDlqList(node, options);
      const { engine, release } = await openLocal(options, { handlers: false });
      try {
        const isFn = engine.topology.fns.has(node);
        const letters = engine.deadLetters(node).map((m) => {
          if (!isFn) return { id: m.id, body: m.body, sentAt: new Date(m.sentAt).toISOString(), ...(m.info ? JSON.parse(m.info) : {}) };
          const r = JSON.parse(m.body);
          return { id: r.requestContext.requestId, condition: r.requestContext.condition, attempts: r.requestContext.approximateInvokeCount, at: r.timestamp, error: r.responsePayload, event: r.requestPayload };
        });
        // A queue's letters carry the consumer's last error too (the engine records it as the message
        // moves to the DLQ); show it, as for functions: the error is what a user needs to fix the cause.
        emit(options, { node, deadLetters: letters }, () => {
          if (letters.length === 0) return `'${node}' has no dead letters`;
          return letters.map((l: any) => isFn
            ? `${pc.red('✗')} ${l.id} ${l.condition} after ${l.attempts} attempt(s) at ${l.at}\n    ${l.error ? `${l.error.errorType}: ${l.error.errorMessage}` : 'no error recorded'}\n    ${pc.dim(JSON.stringify(l.event).slice(0, 200))}`
            : `${pc.red('✗')} ${l.id} received ${l.receiveCount ?? '?'} time(s), sent ${l.sentAt}\n    ${l.lastError ? `${l.lastError.errorType}: ${l.lastError.errorMessage}` : 'no error recorded'}\n    ${pc.dim(l.body.slice(0, 200))}`).join('\n');
        });
      } finally {
        await engine.close();
        release();
      }
    }));

  common(dlq.command('redrive <node>'))
    .description('send the dead letters of a queue or function back for another try (processed by the next run or a running dev)')
    .action(action(async (node: string, options: DlqOptions) => {
      if (options.stage && options.stage !== 'local') return remoteDlqRedrive(node, options);
      const { engine, release } = await openLocal(options, { handlers: false });
      try {
        const count = engine.redrive(node);
        emit(options, { node, redriven: count }, () => `redrove ${count} message(s) of '${node}'`);
      } finally {
        await engine.close();
        release();
      }
    }));
}
