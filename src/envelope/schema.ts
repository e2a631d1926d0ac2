/**
 * The envelope's wire schema (version 1), with zod/mini: Pylon's message fields, each with the
 * message a user sees when it is wrong. zod/mini rather than zod: the runtime (and with it this schema)
 * is bundled into every Lambda function, and zod/mini tree-shakes to about 15 KB where the full zod
 * adds over 400 KB; it parses a small envelope in well under a microsecond.
 */
import * as z from 'zod/mini';

/** Pylon's data asset name: `schema.entity`, e.g. `incident.entityIncident`. */
export const dataAssetNameSchema = z.string({ error: 'must be text' }).check(
  z.regex(/^[A-Za-z][A-Za-z0-9_]*\.[A-Za-z][A-Za-z0-9_]*$/, { error: "must be 'schema.entity', e.g. 'incident.entityIncident'" }),
  z.maxLength(200, { error: 'must be at most 200 characters' }),
);

/** The two-letter (ISO 3166-1 alpha-2) code of the country the data originated in. */
export const countrySchema = z.string({ error: 'must be text' }).check(z.regex(/^[A-Z]{2}$/, { error: "must be a two-letter country code in capitals, e.g. 'AU'" }));

/** objectType: a built-in Pylon type or one defined with `objectType()`. */
export const objectTypeNameSchema = z.string({ error: 'must be text' }).check(
  z.regex(/^[A-Za-z][A-Za-z0-9_.:-]*$/, { error: 'must start with a letter and hold only letters, digits and _ . : -' }),
  z.maxLength(100, { error: 'must be at most 100 characters' }),
);

/** `s3://bucket/key`. */
export const s3PathSchema = z.string({ error: 'must be text' }).check(z.regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+/, { error: "must be 's3://<bucket>/<key>'" }));

/** A MIME type such as `application/json` or `text/plain; charset=utf-8`. */
export const mimeTypeSchema = z.string({ error: 'must be text' }).check(z.regex(/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/, { error: "must be a MIME type such as 'application/json'" }));

/** The envelope as it travels (version 1). `body` is any JSON value inline, null when offloaded to S3. */
export const envelopeWireSchema = z.object({
  schemaVersion: z.optional(z.number({ error: 'must be a number' })),
  objectType: objectTypeNameSchema,
  payloadType: z.enum(['inline', 's3'], { error: "must be 'inline' or 's3'" }),
  payloadMimeType: mimeTypeSchema,
  ingestionId: z.string({ error: 'must be text' }).check(z.minLength(1, { error: 'must not be empty' }), z.maxLength(200, { error: 'must be at most 200 characters' })),
  body: z.unknown(),
  payloadS3Path: z.optional(s3PathSchema),
  payloadEncoding: z.optional(z.literal('base64', { error: "must be 'base64' when set" })),
  dataAssetName: z.optional(dataAssetNameSchema),
  dataAssetCountry: z.optional(countrySchema),
}).check(
  z.refine((e) => e.payloadType !== 's3' || e.payloadS3Path !== undefined, { error: "is required when payloadType is 's3'", path: ['payloadS3Path'] }),
  z.refine((e) => e.payloadType !== 'inline' || e.body !== undefined, { error: "is required when payloadType is 'inline'", path: ['body'] }),
  z.refine((e) => e.objectType !== 'dataAsset' || e.dataAssetName !== undefined, { error: "is required when objectType is 'dataAsset'", path: ['dataAssetName'] }),
  z.refine((e) => e.objectType !== 'dataAsset' || e.dataAssetCountry !== undefined, { error: "is required when objectType is 'dataAsset'", path: ['dataAssetCountry'] }),
);

/** The envelope's fields as parsed from the wire. */
export type EnvelopeWire = z.infer<typeof envelopeWireSchema>;
