/**
 * `s3://bucket/key` URLs as Glue job arguments and script locations give them.
 */

/** An S3 location: a bucket and a key (or key prefix; empty for the whole bucket). */
export interface S3Location {
  bucket: string;
  key: string;
}

// Bucket names: 3..63 lower-case letters, digits, dots and hyphens (S3's naming rules); the key is
// whatever follows the first slash. Older buckets may hold upper case and underscores: allow them.
const S3_URL = /^s3a?:\/\/([A-Za-z0-9._-]{3,63})(?:\/(.*))?$/;

/**
 * Parse `s3://bucket/key`; undefined when the text is not an S3 URL.
 * @example parseS3Url('s3://scripts/jobs/clean.py') // { bucket: 'scripts', key: 'jobs/clean.py' }
 */
export function parseS3Url(text: string): S3Location | undefined {
  const m = S3_URL.exec(text.trim());
  return m ? { bucket: m[1]!, key: m[2] ?? '' } : undefined;
}

/**
 * Every S3 URL in an argument's value: Glue takes comma-separated lists (`--extra-py-files a,b`).
 * @example s3UrlsIn('s3://a/x.py, s3://b/y.zip') // two locations
 */
export function s3UrlsIn(value: string): Array<S3Location & { url: string }> {
  return value.split(',').map((part) => part.trim()).flatMap((url) => {
    const location = parseS3Url(url);
    return location ? [{ ...location, url }] : [];
  });
}
