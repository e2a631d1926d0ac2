/**
 * `sluice init`: a new project from a template, in a new folder or in the one `npm install sluice`
 * was just run in, and never over anything else. The templates themselves are projects of this
 * repository: their tests run in `npm test` (templates/<name>/pipeline.test.ts) and `npm run
 * typecheck` compiles them; test/cli/packed-install.test.ts runs one from a packed sluice.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, tempDir } from '../helpers/cli.js';
import { TEMPLATE_PROJECT_NAME, TEMPLATES, projectName } from '../../src/cli/project.js';
import { assertUserError, parseJson, sluiceAwait } from './support.js';

const work = tempDir('sluice-init-');
after(() => rmSync(work, { recursive: true, force: true }));

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const repoPackage = readJson(join(ROOT, 'package.json'));

test('GIVEN no folder yet WHEN sluice init names one THEN it holds a project named after it, depending on this checkout', async () => {
  // WHEN the user starts a project in a new folder
  const dir = join(work, 'Orders Pipeline');
  const result = parseJson(await sluiceAwait(['init', dir, '--json'], { cwd: work }));
  // THEN every file of the template is there, gitignore as .gitignore
  assert.deepEqual(result.files, ['.gitignore', 'README.md', 'handlers/copy.ts', 'package.json', 'pipeline.test.ts', 'pipeline.ts', 'sample-data/customer.json', 'sample-data/orders.csv', 'tsconfig.json']);
  for (const file of result.files) assert.ok(existsSync(join(dir, file)), file);
  assert.match(readFileSync(join(dir, '.gitignore'), 'utf8'), /^node_modules\/$[\s\S]*^\.sluice\/$/m);
  // AND the project and its pipeline take the folder's name, made a valid pipeline name
  assert.equal(result.name, 'orders-pipeline');
  const pkg = readJson(join(dir, 'package.json'));
  assert.equal(pkg.name, 'orders-pipeline');
  assert.match(readFileSync(join(dir, 'pipeline.ts'), 'utf8'), /pipeline\('orders-pipeline', /);
  assert.equal(pkg.type, 'module');
  // AND it depends on the sluice that ran, this checkout, by a path relative to the project
  assert.deepEqual(result.sluice, { spec: `file:${relative(dir, ROOT)}`, from: 'checkout' });
  assert.equal(pkg.dependencies.sluice, result.sluice.spec);
  // AND it says what to run next
  assert.deepEqual(result.next, ['cd "Orders Pipeline"', 'npm install', 'npm test', 'npx sluice run --put raw=sample-data']);
});

test('GIVEN --template components and --sluice WHEN sluice init runs THEN that template is written with that dependency, verbatim', async () => {
  const dir = join(work, 'assets');
  const human = await sluiceAwait(['init', dir, '--template', 'components', '--sluice', '^0.1.0'], { cwd: work });
  assert.equal(human.status, 0, human.stderr);
  assert.match(human.stdout, /^created assets in .*\(template components\)$/m);
  assert.match(human.stdout, /^ {2}sluice \^0\.1\.0 \(--sluice\)$/m);
  assert.match(human.stdout, /^next:\n {2}cd assets\n {2}npm install\n/m);
  assert.equal(readJson(join(dir, 'package.json')).dependencies.sluice, '^0.1.0');
  assert.ok(existsSync(join(dir, 'handlers/parse-orders.ts')));
  assert.ok(!existsSync(join(dir, 'handlers/copy.ts')));
});

test('GIVEN a folder where `npm install sluice` was run WHEN sluice init runs there THEN the project joins what npm wrote, keeping its dependency on sluice', async () => {
  // GIVEN the package.json and node_modules/ that installing sluice writes into an empty folder
  const dir = join(work, 'installed-here');
  mkdirSync(join(dir, 'node_modules', 'left-alone'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ dependencies: { sluice: 'file:../sluice-0.1.0.tgz', zod: '^4.0.0' } }));
  writeFileSync(join(dir, 'package-lock.json'), '{}');
  // WHEN sluice init runs in it, with no folder named
  const result = parseJson(await sluiceAwait(['init', '--json'], { cwd: dir }));
  // THEN the spec npm wrote is kept, as are the other dependencies and node_modules/
  assert.deepEqual(result.sluice, { spec: 'file:../sluice-0.1.0.tgz', from: 'package.json' });
  const pkg = readJson(join(dir, 'package.json'));
  assert.deepEqual(pkg.dependencies, { sluice: 'file:../sluice-0.1.0.tgz', zod: '^4.0.0' });
  assert.equal(pkg.name, 'installed-here');
  assert.equal(pkg.scripts.test, 'node --import tsx --test *.test.ts');
  assert.ok(existsSync(join(dir, 'node_modules', 'left-alone')));
  // AND the next steps start with npm install, with no cd
  assert.equal(result.next[0], 'npm install');
});

test('GIVEN a folder holding anything else WHEN sluice init runs there THEN it refuses with SLUICE_E_INIT_NOT_EMPTY and writes nothing', async () => {
  // GIVEN a folder with a file of the user's, one with a package.json of a project, and a file
  const withFile = join(work, 'notes');
  mkdirSync(withFile);
  writeFileSync(join(withFile, 'todo.txt'), 'keep me\n');
  const aProject = join(work, 'a-project');
  mkdirSync(aProject);
  writeFileSync(join(aProject, 'package.json'), JSON.stringify({ name: 'a-project', scripts: { test: 'jest' } }));
  const aFile = join(work, 'a-file');
  writeFileSync(aFile, '');
  // WHEN sluice init is pointed at each
  const [file, project, plain, json] = await Promise.all([
    sluiceAwait(['init', withFile]), sluiceAwait(['init', aProject]), sluiceAwait(['init', aFile]), sluiceAwait(['init', withFile, '--json']),
  ]);
  // THEN each is refused, naming what is in the way
  assertUserError(file, 'SLUICE_E_INIT_NOT_EMPTY', [`folder '${withFile}' is not empty`, "'todo.txt'", 'sluice init my-pipeline']);
  assertUserError(project, 'SLUICE_E_INIT_NOT_EMPTY', ["'package.json'"]);
  assertUserError(plain, 'SLUICE_E_INIT_NOT_EMPTY', [`'${aFile}' is a file`]);
  assert.equal(parseJson(json).code, 'SLUICE_E_INIT_NOT_EMPTY');
  // AND nothing was written
  assert.deepEqual(readdirSync(withFile), ['todo.txt']);
  assert.deepEqual(readdirSync(aProject), ['package.json']);
});

test('GIVEN an unknown template WHEN sluice init runs THEN it is a usage error listing the templates', async () => {
  const result = await sluiceAwait(['init', join(work, 'nope'), '--template', 'etl']);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /Allowed choices are copy, components/);
  assert.ok(!existsSync(join(work, 'nope')));
});

test('sluice init --help documents the templates, --sluice and the folder rule', async () => {
  const help = await sluiceAwait(['init', '--help']);
  assert.equal(help.status, 0, help.stderr);
  for (const text of ['--template <name>', '"components"', '--sluice <spec>', 'file:path/to/sluice-0.1.0.tgz', 'npm install sluice', '--json']) {
    assert.ok(help.stdout.includes(text), `help mentions ${text}`);
  }
});

test('a project name is the folder name made a valid pipeline name, or the template name', () => {
  assert.equal(projectName('/x/My_Pipeline 2'), 'my-pipeline-2');
  assert.equal(projectName('/x/2026-orders'), 'orders');
  assert.equal(projectName('/x/Ω'), TEMPLATE_PROJECT_NAME);
  assert.equal(projectName(`/x/${'a'.repeat(39)}-b`), 'a'.repeat(39));
});

test('the templates are the folders of templates/, each a complete project in step with sluice', () => {
  assert.deepEqual(readdirSync(join(ROOT, 'templates')).sort(), [...TEMPLATES].sort());
  for (const template of TEMPLATES) {
    const dir = join(ROOT, 'templates', template);
    for (const file of ['package.json', 'tsconfig.json', 'pipeline.ts', 'pipeline.test.ts', 'gitignore', 'README.md', 'sample-data']) assert.ok(existsSync(join(dir, file)), `${template}/${file}`);
    // No .gitignore: npm never packs one (init writes gitignore as .gitignore).
    assert.ok(!existsSync(join(dir, '.gitignore')), `${template} has gitignore, not .gitignore`);
    const pkg = readJson(join(dir, 'package.json'));
    assert.equal(pkg.name, TEMPLATE_PROJECT_NAME);
    assert.match(readFileSync(join(dir, 'pipeline.ts'), 'utf8'), new RegExp(`pipeline\\('${TEMPLATE_PROJECT_NAME}', `));
    assert.equal(pkg.dependencies.sluice, `^${repoPackage.version}`);
    // The tools the project's scripts use, at the versions sluice itself is tested with.
    for (const [name, range] of Object.entries(pkg.devDependencies)) assert.equal(range, repoPackage.devDependencies[name], `${template}: ${name}`);
    assert.deepEqual(pkg.allowScripts, repoPackage.allowScripts, `${template}: the dependencies whose install scripts sluice needs`);
  }
});
