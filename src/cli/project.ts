/**
 * Writing a new project from a template (`sluice init`): the templates are real projects under
 * templates/<name>/ in sluice's package (type-checked and tested in sluice's own suite), copied with
 * the project's name, its package.json's dependency on sluice, and `gitignore` renamed to `.gitignore`
 * (npm never packs a file named .gitignore).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../model/errors.js';
import { PIPELINE_NAME } from '../model/validate.js';

/** The templates `sluice init --template` offers (each a folder of templates/). */
export const TEMPLATES = ['copy', 'components'] as const;
export type TemplateName = (typeof TEMPLATES)[number];

/** The name a template's files use for the project, replaced by the project's own in every text file. */
export const TEMPLATE_PROJECT_NAME = 'my-pipeline';

/** sluice's package root: the checkout, or node_modules/sluice (this file is src/cli/ or dist/cli/). */
const SLUICE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The folder of a template. */
export function templateDir(template: TemplateName): string {
  return join(SLUICE_ROOT, 'templates', template);
}

/** Entries a folder may hold and still take a project: what `npm install sluice` writes into an empty folder, and git's. */
const NPM_FOOTPRINT = new Set(['node_modules', 'package-lock.json', 'package.json', '.git']);
/** Never copied from a template folder (left there by running or installing it in sluice's checkout). */
const NOT_COPIED = new Set(['node_modules', '.sluice', 'package-lock.json']);

/** Where the dependency on sluice written into the project's package.json came from. */
export type SluiceSpecSource = 'option' | 'package.json' | 'checkout' | 'installed' | 'version';

/** What `writeProject` wrote. */
export interface WrittenProject {
  dir: string;
  name: string;
  template: TemplateName;
  /** The dependency spec of sluice in the project's package.json, and where it came from. */
  sluice: { spec: string; from: SluiceSpecSource };
  /** Files written, relative to `dir`, sorted. */
  files: string[];
}

/** Options of `writeProject`. */
export interface WriteProjectOptions {
  template: TemplateName;
  /** The dependency spec of sluice to write (`--sluice`); by default, see `defaultSluiceSpec`. */
  sluice?: string;
}

type PackageJson = Record<string, unknown> & { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };

/**
 * Write a new project from a template into `dir` (created if missing). Refuses, writing nothing, a
 * folder that holds anything but what `npm install sluice` leaves in an empty folder.
 * @example writeProject('my-pipeline', { template: 'copy' })
 */
export function writeProject(dir: string, options: WriteProjectOptions): WrittenProject {
  const target = resolve(dir);
  const existing = checkTarget(target);
  const name = projectName(target);
  const installed = existing?.dependencies?.sluice ?? existing?.devDependencies?.sluice;
  const sluice = options.sluice !== undefined ? { spec: options.sluice, from: 'option' as const }
    : installed !== undefined ? { spec: installed, from: 'package.json' as const }
    : defaultSluiceSpec(target);
  const source = templateDir(options.template);
  const files: string[] = [];
  for (const file of templateFiles(source)) {
    const to = file === 'gitignore' ? '.gitignore' : file;
    const text = readFileSync(join(source, file), 'utf8').replaceAll(TEMPLATE_PROJECT_NAME, name);
    const content = file === 'package.json' ? packageJson(JSON.parse(text) as PackageJson, existing, sluice.spec) : text;
    mkdirSync(dirname(join(target, to)), { recursive: true });
    writeFileSync(join(target, to), content);
    files.push(to);
  }
  return { dir: target, name, template: options.template, sluice, files: files.sort() };
}

/** Check that `target` can take a project; returns the package.json `npm install` left there, if any. */
function checkTarget(target: string): PackageJson | undefined {
  if (!existsSync(target)) return undefined;
  if (!statSync(target).isDirectory()) {
    throw new InputError('SLUICE_E_INIT_NOT_EMPTY', `'${target}' is a file, not a folder; give sluice init a new or empty folder, e.g. sluice init my-pipeline`, { field: 'dir', given: target });
  }
  const entries = readdirSync(target);
  let existing: PackageJson | undefined;
  if (entries.includes('package.json')) {
    try {
      existing = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')) as PackageJson;
    } catch {
      existing = { unreadable: true };
    }
  }
  // A package.json with more than dependencies is a project already, not npm's record of an install.
  const foreign = entries.filter((e) => !NPM_FOOTPRINT.has(e) || (e === 'package.json' && Object.keys(existing ?? {}).some((k) => k !== 'dependencies' && k !== 'devDependencies')));
  if (foreign.length) {
    const shown = foreign.sort().slice(0, 5).map((e) => `'${e}'`).join(', ') + (foreign.length > 5 ? `, and ${foreign.length - 5} more` : '');
    throw new InputError('SLUICE_E_INIT_NOT_EMPTY', `folder '${target}' is not empty (it holds ${shown}); sluice init writes a project only into a new or empty folder (or one holding just what 'npm install sluice' wrote), so nothing was written; give it a new folder, e.g. sluice init my-pipeline`, { field: 'dir', given: target, expected: 'a new or empty folder' });
  }
  return existing;
}

/** Every file of a template folder, relative to it, `/`-separated. */
function templateFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).filter((e) => !NOT_COPIED.has(e.name)).flatMap((e) =>
    e.isDirectory() ? templateFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]);
}

/** The template's package.json with the project's dependency on sluice, merged with what npm left there. */
function packageJson(template: PackageJson, existing: PackageJson | undefined, spec: string): string {
  const { sluice: _installedAsDev, ...devDependencies } = { ...existing?.devDependencies, ...template.devDependencies };
  const merged: PackageJson = {
    ...template,
    dependencies: { ...template.dependencies, ...existing?.dependencies, sluice: spec },
    devDependencies,
  };
  return `${JSON.stringify(merged, null, 2)}\n`;
}

/**
 * The project's name, for its package.json and its pipeline: the folder's name made into a valid
 * pipeline name (lower case, letters, digits and hyphens, starting with a letter, at most 40), or the
 * template's own when nothing of the folder's name is left.
 * @example projectName('/home/me/Orders Pipeline') // 'orders-pipeline'
 */
export function projectName(dir: string): string {
  const name = basename(dir).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').slice(0, 40).replace(/-+$/, '');
  return PIPELINE_NAME.test(name) ? name : TEMPLATE_PROJECT_NAME;
}

/**
 * How the new project depends on sluice when `--sluice` is not given: on the copy of sluice that is
 * running, wherever it came from.
 * - A checkout of sluice (its sources beside it): `file:` that folder.
 * - Installed in a project (or npx's cache): the spec that project's package.json gives, a `file:`
 *   spec (a tarball or folder) rewritten relative to the new project, since npm records it relative
 *   to the project that installed it.
 * - Otherwise (a global install, say): `^` its version, for a registry.
 */
export function defaultSluiceSpec(target: string): { spec: string; from: SluiceSpecSource } {
  const fileSpec = (path: string) => `file:${relative(target, path).split(sep).join('/') || '.'}`;
  if (existsSync(join(SLUICE_ROOT, 'src', 'cli', 'main.ts'))) return { spec: fileSpec(SLUICE_ROOT), from: 'checkout' };
  const installer = dirname(dirname(SLUICE_ROOT));
  if (basename(dirname(SLUICE_ROOT)) === 'node_modules') {
    try {
      const pkg = JSON.parse(readFileSync(join(installer, 'package.json'), 'utf8')) as PackageJson;
      const spec = pkg.dependencies?.sluice ?? pkg.devDependencies?.sluice;
      if (spec?.startsWith('file:')) return { spec: fileSpec(resolve(installer, spec.slice('file:'.length))), from: 'installed' };
      if (spec) return { spec, from: 'installed' };
    } catch {
      // installed globally, or by something other than npm: no package.json names it
    }
  }
  return { spec: `^${sluiceVersion()}`, from: 'version' };
}

/** The version of the running sluice (its package.json). */
export function sluiceVersion(): string {
  return (JSON.parse(readFileSync(join(SLUICE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}
