/**
 * Renders docs/errors.md from the error catalogue (src/model/error-codes.ts): one table per area,
 * each code with what it means and how to fix it. `npm run docs:errors` writes it; a test checks the
 * file matches, so the page and the code cannot drift.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, type ErrorArea } from '../src/model/error-codes.js';

const AREAS: Record<ErrorArea, string> = {
  pipeline: 'Pipeline validation (before anything runs or synthesizes)',
  handler: 'Handler files and step declarations',
  run: 'Running steps (the local engine, the test harness, and steps on Lambda)',
  envelope: 'Message envelopes, data assets and offloaded payloads',
  stage: 'Data commands on a stage (local or AWS)',
  synth: 'Synthesis',
  deploy: 'Deploying and inspecting AWS stages',
  import: 'Importing Glue jobs and state machines (sluice import)',
  runtime: 'The Lambda runtime of a deployed function',
  cli: 'The command line',
};

/** The page, as Markdown. */
export function renderErrorsDoc(): string {
  const lines = [
    '# Error codes',
    '',
    'Every error sluice raises on purpose carries a stable code (`error.code`, and `code` in `--json`',
    'output): users and scripts branch on the code, never on the message. An error also carries what it',
    'is about as data where it applies: `node`, `field`, `given` and `expected`. A pipeline that cannot',
    'run raises `SLUICE_E_PIPELINE_INVALID` with every problem in `problems`, each with a code of its own.',
    '',
    'This page is generated from `src/model/error-codes.ts` (`npm run docs:errors`); a test keeps it in step.',
    '',
  ];
  for (const [area, title] of Object.entries(AREAS)) {
    const codes = Object.entries(ERROR_CODES).filter(([, e]) => e.area === area);
    if (codes.length === 0) continue;
    lines.push(`## ${title}`, '', '| code | meaning | fix |', '| --- | --- | --- |');
    for (const [code, e] of codes) lines.push(`| \`${code}\` | ${cell(e.meaning)} | ${cell(e.fix)} |`);
    lines.push('');
  }
  return lines.join('\n');
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** The page's path. */
export const ERRORS_DOC = fileURLToPath(new URL('../docs/errors.md', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(ERRORS_DOC, renderErrorsDoc());
  console.log(`wrote ${ERRORS_DOC}`);
}
