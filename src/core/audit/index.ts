export { type CanonicalText, canonicalJson, canonicalText, isCanonicalText } from "./canonical.js";
export {
  chainEntries,
  checkEncodedEntry,
  computeRecordHash,
  encodeEntry,
  GENESIS_HASH,
  type IdentifiedEntry,
  normalizeEntry,
  type RecordParts,
  type RecordPlacement,
  recordHashText,
  recordHashTextOf,
  recordOf,
  sealRecord,
} from "./chain.js";
export { INSTANT_FORMAT, parseInstant } from "./instant.js";
export type {
  AuditEntryInput,
  AuditRecord,
  AuditVersions,
  ChainHead,
  EncodedEntry,
  EntryTexts,
  HashFn,
  Placement,
  StoredRecord,
  VerifyFailure,
  VerifyFailureReason,
  VerifyResult,
} from "./types.js";
export { ChainVerifier, verifyChain } from "./verify.js";
