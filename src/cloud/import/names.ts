/**
 * Names for imported things: sluice node names from AWS names (Glue job names allow spaces and dots,
 * sluice's do not), TypeScript identifiers for the declarations, and file names under `jobs/`.
 */

// Job node names follow fn's rule (letters, digits, hyphens, underscores; 50 at most); bucket node
// names S3's stricter one (lower case, digits, hyphens; 40 at most: the stage's name is added).
const JOB_NAME_MAX = 50;
const BUCKET_NAME_MAX = 40;

/**
 * A job node name for an AWS name: characters sluice does not allow become `-`.
 * @example jobNodeName('daily clean.v2') // 'daily-clean-v2'
 */
export function jobNodeName(awsName: string): string {
  const name = awsName.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, JOB_NAME_MAX).replace(/-+$/, '');
  return name || 'job';
}

/**
 * A bucket node name: lower case, digits and hyphens.
 * @example bucketNodeName('Acme_Bronze') // 'acme-bronze'
 */
export function bucketNodeName(text: string): string {
  const name = text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, BUCKET_NAME_MAX).replace(/-+$/, '');
  return name || 'stage';
}

/** Give `name` a `-2`, `-3`... suffix until `taken` does not hold it, then take it. */
export function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let i = 2; taken.has(candidate.toLowerCase()); i++) candidate = `${name}-${i}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

const RESERVED = new Set(('break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof ' +
  'new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await async ' +
  // the DSL's own names, which the printed import line brings into scope
  'bucket job glueJob flow pipeline').split(' '));

/**
 * A TypeScript identifier for a node name, camel-cased: `daily-clean` becomes `dailyClean`.
 * @example identifierFor('2024-orders') // '_2024Orders'
 */
export function identifierFor(name: string): string {
  const camel = name.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''));
  const id = /^[0-9]/.test(camel) ? `_${camel}` : camel || '_';
  return RESERVED.has(id) ? `${id}Node` : id;
}
