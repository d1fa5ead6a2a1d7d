/**
 * Bounds on the work one request may ask for, in one place. Every input that reaches the core (library,
 * CLI and HTTP alike) is held to these; `docs/limits.md` lists them. They are engineering limits, not legal
 * parameters: a real order never comes near them, and each keeps a single request from taking the process
 * down (typo search grows with the square of a word's length; a decision's record grows with its items).
 */
export const LIMITS = {
  /** Characters in any name: a party, an owner, an exporter, a screening query, a CSV name cell. */
  nameLength: 500,
  /** Characters in an address line given with a name. */
  addressLength: 1000,
  /** Characters in any other free-text field (end use, certification id, chip id, system name, key name). */
  textLength: 200,
  /** Items in one decision. */
  itemsPerDecision: 100,
  /** Entries of `endUse` and of `certifications`. */
  listEntries: 50,
  /** Declared owners of one party (Affiliates Rule). */
  ownersPerParty: 50,
  /** Intermediate consignees of one transaction. */
  intermediateConsignees: 20,
  /** A word longer than this is matched exactly and phonetically only: typo search builds every one-letter
   * deletion of a word, so its cost grows with the square of the word's length. */
  typoSearchWordLength: 40,
  /** Names in one `/v1/screen` batch. */
  namesPerBatch: 1000,
  /** Documents per Federal Register answer page that `rules updates` asks for (the API allows up to 1000). */
  federalRegisterPageSize: 100,
  /** Answer pages `rules updates` follows: 2,000 documents, the most the API pages through for one query.
   * BIS publishes a few hundred documents a year; more means a `--since` too early to be a real check. */
  federalRegisterPages: 20,
  /** Bytes of one Federal Register answer page (a page of 100 documents is about 150 kB). */
  federalRegisterPageBytes: 5_000_000,
  /** Milliseconds to wait for one Federal Register answer page, body included. */
  federalRegisterTimeoutMs: 30_000,
  /** Hits returned for one screened name (`limit`). */
  hitsPerName: 100,
  /** Largest figure of a chip spec (TOPS, GB/s, mm²): far above any real chip, low enough that TPP, TPP ×
   * count and every density stay finite numbers (a huge finite input would otherwise overflow to Infinity). */
  specFigureMax: 1e15,
  /** Smallest die or package area (mm²): an area near zero would make a density overflow. */
  specAreaMin: 1e-6,
  /** Largest `trainingOps` of model weights (the 4E091 threshold is 10^26). */
  trainingOpsMax: 1e40,
  /** Largest quantity of one item. */
  quantityMax: 1_000_000_000,
  /** Largest count of ICs in one system, and of HBM stacks on one IC. */
  chipsPerSystem: 1_000_000,
  /** Records (or chips) in one page of a list. */
  recordsPerPage: 1000,
  /** Destinations of one frontier request (each is a walk over every rule version and chip). */
  frontierCountries: 12,
  /** Issues listed in one error (the rest are counted): a body of thousands of bad entries is not echoed. */
  issuesPerError: 20,
} as const;

export type LimitName = keyof typeof LIMITS;

/** The message of a text over its limit: the same words in the library, the CLI and the API. */
export function tooLongMessage(what: string, limit: number): string {
  return `${what} must be at most ${limit} characters`;
}
