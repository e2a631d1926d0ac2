/**
 * The envelope's wire version. Version 1 is Pylon's message schema plus `schemaVersion` and the
 * optional `payloadEncoding`; a message without `schemaVersion` is read as Pylon's original format,
 * which version 1 extends.
 */

/** The envelope schema version this runtime writes and the newest it reads. */
export const ENVELOPE_VERSION = 1;
