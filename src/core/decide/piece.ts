import type { Warning } from "../classify/classify.js";
import type { Citation } from "../rules/rulebook.js";
import type { LicenseException, Requirement, ReviewPolicy } from "./types.js";

/** The provisions a decision is made of; each is one function in `provisions/`. */
export type ProvisionId =
  | "destination-rule"
  | "headquarters-rule"
  | "hbm-rule"
  | "worldwide-rule"
  | "supercomputer-end-use"
  | "company-notice"
  | "listed-party"
  | "uae-carve-out"
  | "affiliates-rule"
  | "license-exception"
  | "review-policy"
  | "red-flag";

export interface Missing {
  field: string;
  message: string;
}

export interface ExceptionPiece {
  name: LicenseException;
  notificationDays: number;
  reason: string;
  citation: Citation;
}

export interface PolicyPiece {
  /** Which requirement the application would be reviewed under ("destination rule", a list entry, ...). */
  source: string;
  policy: ReviewPolicy | null;
  citation: Citation;
  why: string;
}

/**
 * What one provision says about one item: a license requirement, an available exception or a review policy,
 * with the warnings and missing inputs it found. A decision is the fold of its pieces.
 */
export interface Piece {
  provision: ProvisionId;
  requirement?: Requirement;
  /** A requirement of Part 744 (listed party, end use, "is informed" notice): no license exception overcomes it. */
  barsExceptions?: boolean;
  exception?: ExceptionPiece;
  policy?: PolicyPiece;
  /** Explanations that are neither requirement nor exception (why no exception, ...). */
  reasons: Requirement[];
  warnings: Warning[];
  undetermined: Missing[];
}

/** A piece with nothing in it yet, to be filled by the provision that makes it. */
export function piece(provision: ProvisionId, parts: Partial<Omit<Piece, "provision">> = {}): Piece {
  return { provision, reasons: [], warnings: [], undetermined: [], ...parts };
}
