/**
 * Billing units that more than one kind's cost needs, kept beside the price lines they feed.
 */

/**
 * Amazon Comprehend's units for sentiment: each document is billed in units of 100 characters, at
 * least 3 units (300 characters) per document, whether sent alone (DetectSentiment) or in a batch of
 * up to 25 (BatchDetectSentiment bills each document the same way).
 * @example comprehendUnits(120) // 3: a 120-character document bills the 3-unit minimum
 */
export function comprehendUnits(charactersPerDocument: number, documents = 1): number {
  return Math.max(3, Math.ceil(charactersPerDocument / 100)) * documents;
}
