/**
 * Writes a synthesis to disk, in the layout deploy reads:
 *
 * ```
 * <out>/<pipeline>-<stage>.template.json   the stack's template (.yaml with format 'yaml')
 * <out>/assets/<pipeline>-<stage>.manifest.json  every asset, its file (relative to <out>) and S3 key
 * <out>/assets/<sha256>.zip                function bundles
 * <out>/assets/<sha256>/<name>             Glue scripts and their extra files, as they are
 * <out>/assets/<sha256>.template.json      nested stack templates (always JSON), when split
 * ```
 *
 * Assets are named by content hash, so unchanged ones are neither rewritten nor re-uploaded. The
 * manifest sits with the assets so that the top of <out> holds templates only (`cfn-lint <out>/*.json`).
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Synthesis } from './synth.js';
import type { Template } from './template.js';

/** Output format of the stack's template. */
export type TemplateFormat = 'json' | 'yaml';

/** One file deploy uploads to the assets bucket. */
export interface AssetEntry {
  kind: 'lambda' | 'template' | 'file';
  /** Path relative to the output folder. */
  file: string;
  /** Key under the `AssetsPrefix` parameter. */
  key: string;
}

/** What `writeSynthesis` wrote. */
export interface WrittenSynthesis {
  template: string;
  manifest: string;
  assets: AssetEntry[];
}

/** Resource counts of a synthesis, over the root and nested templates. */
export interface SynthSummary {
  stackName: string;
  resources: number;
  byType: Record<string, number>;
  nestedStacks: number;
  assets: number;
  assetBytes: number;
}

/**
 * Write the template, nested templates, assets and the manifest under `outDir`.
 * @example writeSynthesis(await synthesize(pipe, { stage: 'dev' }), { outDir: '.sluice/synth' })
 */
export function writeSynthesis(s: Synthesis, options: { outDir: string; format?: TemplateFormat }): WrittenSynthesis {
  const format = options.format ?? 'json';
  const assetsDir = join(options.outDir, 'assets');
  mkdirSync(assetsDir, { recursive: true });
  const assets: AssetEntry[] = [];
  for (const asset of s.assets) {
    const key = `${asset.hash}.zip`;
    writeOnce(join(assetsDir, key), asset.zip);
    assets.push({ kind: 'lambda', file: `assets/${key}`, key });
  }
  for (const file of s.files) {
    mkdirSync(join(assetsDir, file.key, '..'), { recursive: true });
    writeOnce(join(assetsDir, file.key), file.body);
    assets.push({ kind: 'file', file: `assets/${file.key}`, key: file.key });
  }
  for (const nested of s.nested) {
    writeOnce(join(assetsDir, nested.file), nested.text);
    assets.push({ kind: 'template', file: `assets/${nested.file}`, key: nested.file });
  }
  const templateFile = join(options.outDir, `${s.stackName}.template.${format}`);
  writeAtomic(templateFile, format === 'yaml' ? templateYaml(s.template) : s.text);
  const manifestFile = join(assetsDir, `${s.stackName}.manifest.json`);
  const manifest = { stackName: s.stackName, template: `${s.stackName}.template.${format}`, parameters: { bucket: 'AssetsBucket', prefix: 'AssetsPrefix' }, assets };
  writeAtomic(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return { template: templateFile, manifest: manifestFile, assets };
}

/** The template as YAML (long-form intrinsics, which every CloudFormation YAML reader accepts). */
export function templateYaml(template: Template): string {
  // Loaded on demand: most runs write JSON, and the CLI's start-up time counts.
  const YAML = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return YAML.stringify(template, { lineWidth: 0, aliasDuplicateObjects: false });
}

/**
 * Count resources by type, over the root and nested templates.
 * @example summarize(s).byType['AWS::Lambda::Function'] // 1
 */
export function summarize(s: Synthesis): SynthSummary {
  const byType: Record<string, number> = {};
  let resources = 0;
  for (const template of [s.template, ...s.nested.map((n) => n.template)]) {
    for (const r of Object.values(template.Resources)) {
      byType[r.Type] = (byType[r.Type] ?? 0) + 1;
      resources++;
    }
  }
  const sorted = Object.fromEntries(Object.entries(byType).sort(([a], [b]) => a.localeCompare(b)));
  return { stackName: s.stackName, resources, byType: sorted, nestedStacks: s.nested.length, assets: s.assets.length + s.files.length, assetBytes: s.assets.reduce((n, a) => n + a.zip.byteLength, 0) + s.files.reduce((n, f) => n + f.body.byteLength, 0) };
}

function writeOnce(file: string, data: string | Uint8Array): void {
  if (!existsSync(file)) writeAtomic(file, data);
}

function writeAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}
