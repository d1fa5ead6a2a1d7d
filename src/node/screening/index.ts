export { type BatchOptions, type BatchSummary, screenCsvFile } from "./batch.js";
export {
  bundledListPath,
  type DatasetVersion,
  DEFAULT_DATA_DIR,
  DEFAULT_MAX_SHRINK,
  type ImportOptions,
  importList,
  importScreeningList,
  loadScreeningDataset,
  type ScreeningDataset,
} from "./dataset.js";
export { resultCsv, resultJson, resultText, screenedJson } from "./format.js";
export { ageInDays } from "./gaps.js";
export { type CslFileContents, readCslFile } from "./read-csl.js";
export { ScreenCache } from "./screen-cache.js";
export { type ScreenThread, startScreenThread, type ThreadAnswer } from "./screen-thread.js";
