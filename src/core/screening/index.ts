// The entry point registers the Chinese and transliteration libraries, so any name can be screened at once
// (a short-lived caller may instead import the modules it needs and await `loadScriptSupport`).
import "./normalize/han-support.js";
import "./normalize/translit-support.js";

export { bestBand } from "./band.js";
export { buildScreeningIndex, type IndexedName, type ScreeningIndex } from "./build-index.js";
export {
  CSL_COLUMNS,
  CSL_EXTRA_COLUMNS,
  type CslHeader,
  type CslRecord,
  LIST_CODES,
  type ListCode,
  listCodeOfSource,
  parseCslHeader,
  parseCslRow,
  splitCslList,
} from "./csl.js";
export { expandListedName } from "./names.js";
export { type NormalizedName, normalizeName } from "./normalize/pipeline.js";
export { loadScriptSupport } from "./normalize/support.js";
export { DEFAULT_MATCH_THRESHOLD, DEFAULT_REVIEW_THRESHOLD, screenName } from "./screen.js";
export type {
  Band,
  Explanation,
  MatchHow,
  NativeNameSource,
  ScoreAdjustment,
  ScreeningHit,
  ScreeningOptions,
  ScreeningQuery,
  ScreeningResult,
  TokenMatch,
} from "./types.js";
