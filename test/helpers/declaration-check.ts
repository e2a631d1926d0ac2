/**
 * Type-checking code sluice prints for users to paste (`sluice import`) against sluice's own model,
 * so a declaration whose props the model would reject fails.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT } from './cli.js';

/** The compiler's errors for `code` as a module of a pipeline project, as `line: message` strings. */
export async function typeErrors(code: string): Promise<{ against: 'model'; errors: string[] }> {
  // A folder inside the repository, so 'sluice' resolves as in a user's project.
  const dir = mkdtempSync(join(ROOT, 'test', '.tmp-'));
  try {
    const file = join(dir, 'pipeline.ts');
    writeFileSync(file, code);
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true, noEmit: true, skipLibCheck: true, types: [], customConditions: ['sluice-source'],
    };
    const program = ts.createProgram([file], options);
    const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file || !d.file).map((d) => {
      const where = d.file && d.start !== undefined ? `${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
      return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    return { against: 'model', errors };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
