/**
 * The README's fenced code blocks, with what the README says each one is. A block's marker is an HTML
 * comment (invisible on GitHub) on the line before its fence:
 *
 * - TypeScript blocks: `// path/to/file.ts` on the first line says the block is that file (compared
 *   with it, leading module comment aside); `// path/to/file.ts (excerpt)` says its lines appear in that
 *   file, in order (the file itself is type-checked by `npm run typecheck`). Every other block is
 *   type-checked as a module at the repository's root, so it shows every import it needs;
 *   `<!-- scratch: pipeline.ts -->` also writes it into the section's scratch folder for the shell
 *   block that follows (and type-checks it beside the three-node example's handler).
 * - Shell blocks need a marker: `<!-- run: examples -->` (in a copy of examples/, as the repository's
 *   root), `<!-- run: scratch -->` (in the section's scratch folder), `<!-- run: moto -->` (in a copy of
 *   examples/, against a moto_server), with ` (exits N)` when the commands exit N; or
 *   `<!-- not run: why -->`.
 * - `<!-- output -->` before a plain block: the stdout of the shell block before it; `<!-- output:
 *   stderr -->`: its stderr. Times, dates and sizes are compared by shape.
 */

/** One fenced block of the README. */
export interface Block {
  /** The fence's language (`ts`, `sh`, or '' for a plain block). */
  lang: string;
  /** The block's text, without its fences. */
  text: string;
  /** Its first line's number in the README (1-based, the opening fence). */
  line: number;
  /** The marker comment's content on the line before the fence, if any. */
  marker?: string;
  /** The `##` section it is in. */
  section: string;
}

/** Every fenced block of `markdown`, in order. */
export function readmeBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('## ')) section = line.slice(3).trim();
    const fence = /^```(\w*)\s*$/.exec(line);
    if (!fence) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) body.push(lines[i]!);
    const before = lines[start - 1] ?? '';
    const marker = /^<!--\s*(.*?)\s*-->$/.exec(before)?.[1];
    blocks.push({ lang: fence[1]!, text: body.join('\n'), line: start + 1, section, ...(marker !== undefined ? { marker } : {}) });
  }
  return blocks;
}

/** The file a TypeScript block says it is (or is an excerpt of), from its first line. */
export function labelOf(block: Block): { path: string; excerpt: boolean } | undefined {
  const match = /^\/\/ (\S+\.ts)( \(excerpt\))?$/.exec(block.text.split('\n')[0] ?? '');
  return match ? { path: match[1]!, excerpt: match[2] !== undefined } : undefined;
}

/** A file's code as the README shows it: without its leading module comment and surrounding blank lines. */
export function codeOf(file: string): string {
  return file.replace(/^\/\*\*[\s\S]*?\*\/\n/, '').trim();
}

/** Whether every line of `excerpt` appears in `file`, in order (other lines may come between). */
export function inOrder(excerpt: string, file: string): { ok: true } | { ok: false; missing: string } {
  const lines = file.split('\n').map((l) => l.trimEnd());
  let at = 0;
  for (const wanted of excerpt.split('\n').map((l) => l.trimEnd())) {
    if (wanted === '') continue;
    const found = lines.indexOf(wanted, at);
    if (found < 0) return { ok: false, missing: wanted };
    at = found + 1;
  }
  return { ok: true };
}

/** Output with what changes from run to run (durations, dates, sizes) replaced by its shape. */
export function normalizeOutput(text: string): string {
  return text
    .replace(/\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?Z?/g, '<time>')
    .replace(/\bin \d+(\.\d+)? s\b/g, 'in <n> s')
    .replace(/\(\d+(\.\d+)? KB\)/g, '(<n> KB)')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .trim();
}
