/**
 * Sample texts by name, for the local stage (the producer-ai step's `textSource`), in the shape of an
 * encyclopedia summary: so the example runs with no network. Names without a sample dead-letter,
 * as a name the summary endpoint does not know does on AWS.
 */
export const samples: Record<string, string> = {
  facebook: 'Facebook is a social media and social networking service owned by Meta Platforms. It was founded in 2004 by Mark Zuckerberg with four other Harvard College students and roommates.',
  // What facebook is renamed to in the README's workflow (sluice table fang update --old facebook --new meta).
  meta: 'Meta Platforms, Inc. is an American multinational technology company that owns Facebook, Instagram and WhatsApp. It was founded as Facebook in 2004 and renamed Meta in 2021.',
  apple: 'Apple Inc. is an American multinational technology company headquartered in Cupertino, California. Apple is the world\'s largest technology company by revenue, and its products are loved by millions of happy customers.',
  amazon: 'Amazon.com, Inc. is an American multinational technology company focusing on e-commerce, cloud computing, online advertising, digital streaming, and artificial intelligence.',
  netflix: 'Netflix is an American subscription video on-demand over-the-top streaming service. The service primarily distributes original and acquired films and television shows from various genres.',
  google: 'Google LLC is an American multinational corporation and technology company focusing on online advertising, search engine technology, cloud computing, computer software, quantum computing, e-commerce, consumer electronics, and artificial intelligence.',
  microsoft: 'Microsoft Corporation is an American multinational corporation and technology company headquartered in Redmond, Washington.',
  // Over Comprehend's 5,000-byte limit on purpose: its record fails with SLUICE_E_SENTIMENT_TEXT.
  wordy: 'word '.repeat(1100),
  enron: 'Enron Corporation was an American energy company whose collapse in 2001 was a scandal of fraud, corruption and bankruptcy that cost employees and shareholders billions and destroyed trust in its auditors.',
};
