/** One problem with one input field: where it is and what is accepted. */
export interface Issue {
  path: string;
  message: string;
}

/**
 * Stable error codes. `docs/errors.md` lists each one; a test keeps the two in sync.
 * Input codes are the caller's to fix (CLI exit 2, HTTP 4xx); the others are ours (exit 1).
 */
export const errorCodes = {
  INVALID_INPUT: { input: true, summary: "A field of the request is missing, malformed or out of range." },
  NOT_FOUND: { input: true, summary: "A named thing (chip id, record id) does not exist." },
  RULE_DATA_INVALID: { input: false, summary: "A rule-data file breaks the rule-data schema." },
  CATALOG_DATA_INVALID: { input: false, summary: "The chip catalog breaks its schema." },
  SCREENING_DATA_INVALID: {
    input: true,
    summary: "A screening-list file is malformed; nothing was replaced.",
  },
  AUDIT_STORE_ERROR: { input: false, summary: "The audit store could not record or read a decision." },
  REMOTE_SOURCE_ERROR: {
    input: true,
    summary: "A remote source (the Federal Register API) was unreachable, slow, failing or malformed.",
  },
  INTERNAL: { input: false, summary: "A defect in ChipGate." },
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class ChipGateError extends Error {
  override readonly name = "ChipGateError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues: readonly Issue[] = [],
  ) {
    super(message);
  }

  get isInputError(): boolean {
    return errorCodes[this.code].input;
  }
}

/** Throws INVALID_INPUT listing every issue, or returns when there is none. */
export function assertNoIssues(issues: readonly Issue[], what: string): void {
  if (issues.length === 0) return;
  const lines = issues.map((i) => `  ${i.path || "(root)"}: ${i.message}`).join("\n");
  throw new ChipGateError("INVALID_INPUT", `Invalid ${what}:\n${lines}`, issues);
}
