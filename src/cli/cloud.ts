/**
 * What the AWS-stage commands share: reading `[entry]`/`--entry` and an AWS `--stage`, asking for
 * confirmation on a terminal, and showing change sets and stack events to people (on stderr, so
 * stdout stays the result; nothing with `--json`).
 */
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import pc from 'picocolors';
import type { LoadedPipeline } from './load.js';
import { checkStageNotBranch } from '../branch/names.js';
import { InputError } from '../model/errors.js';
import type { PlannedChange } from '../cloud/deploy/changeset.js';
import type { StackEvent } from '../cloud/deploy/events.js';
import { progress, table, type GlobalOptions } from './output.js';

/** Options of the AWS-stage commands. */
export interface CloudOptions extends GlobalOptions {
  entry?: string;
  stage?: string;
  yes?: boolean;
}

/** Load the pipeline and check the stage is an AWS one. */
export async function loadForStage(entryArg: string | undefined, options: CloudOptions, command: string): Promise<LoadedPipeline & { stage: string; cacheDir: string }> {
  const stage = options.stage;
  if (!stage) throw new InputError('SLUICE_E_STAGE', `sluice ${command} needs --stage NAME, the AWS stage (e.g. --stage dev); the stack is <pipeline>-<stage>`);
  if (stage === 'local') throw new InputError('SLUICE_E_STAGE', `stage 'local' is the embedded engine, not AWS; give an AWS stage such as --stage dev`);
  // `--` is reserved for branches (`dev--dedup`): a stage named so would collide with one.
  checkStageNotBranch(stage);
  const { loadPipeline } = await import('./load.js');
  const loaded = await loadPipeline(entryArg ?? options.entry);
  return { ...loaded, stage, cacheDir: join(dirname(loaded.entry), '.sluice', 'cache') };
}

/** Ask a yes/no question on the terminal; undefined when there is no terminal to ask on. */
export function terminalConfirm(): ((question: string) => Promise<boolean>) | undefined {
  if (!process.stdin.isTTY) return undefined;
  return async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = await rl.question(`${question} [y/N] `);
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  };
}

const SYMBOL: Record<PlannedChange['action'], string> = { add: pc.green('+'), modify: pc.yellow('~'), replace: pc.red('±'), remove: pc.red('-'), import: pc.cyan('>'), dynamic: pc.yellow('?') };

/** The change set as lines for people. */
export function changeLines(changes: readonly PlannedChange[]): string {
  if (changes.length === 0) return 'no changes';
  const order = { remove: 0, replace: 1, modify: 2, add: 3, import: 4, dynamic: 5 };
  const rows = [...changes]
    .sort((a, b) => order[a.action] - order[b.action] || (a.path ?? a.logicalId).localeCompare(b.path ?? b.logicalId))
    .map((c) => [`${SYMBOL[c.action]} ${c.action}`, c.path ?? c.logicalId, c.type, [c.replacement && c.action === 'modify' ? `replacement: ${c.replacement}` : '', c.properties?.join(', ') ?? ''].filter(Boolean).join('; ')]);
  const counts = Object.entries(changes.reduce<Record<string, number>>((n, c) => ({ ...n, [c.action]: (n[c.action] ?? 0) + 1 }), {})).map(([a, n]) => `${n} to ${a}`).join(', ');
  return `${table(rows)}\n${counts}`;
}

/** One stack event as a progress line. */
export function eventLine(e: StackEvent): string {
  const colour = e.status.endsWith('_FAILED') ? pc.red : e.status.endsWith('_COMPLETE') ? pc.green : pc.yellow;
  return `  ${e.time.slice(11, 19)}  ${colour(e.status.padEnd(28))} ${e.path ?? e.logicalId} ${pc.dim(e.type)}${e.reason && e.status.endsWith('_FAILED') ? `\n    ${pc.red(e.reason)}` : ''}`;
}

/** Progress to stderr (silent with --json). */
export function progressTo(options: GlobalOptions): (line: string) => void {
  return (line) => progress(options, line);
}

/** Progress lines that keep their colour (events). */
export function eventsTo(options: GlobalOptions): (e: StackEvent) => void {
  return (e) => {
    if (!options.json) process.stderr.write(`${eventLine(e)}\n`);
  };
}
