export { type BatchOptions, type BatchSummary, screenCsvFile } from "./batch.js";
export { checkBatchRow } from "./batch-row.js";
export {
  bundledListPath,
  type DatasetVersion,
  DEFAULT_DATA_DIR,
  DEFAULT_MAX_SHRINK,
  type EnrichmentVersion,
  enrichmentInfo,
  type ImportOptions,
  importList,
  importScreeningList,
  loadScreeningDataset,
  type ScreeningDataset,
} from "./dataset.js";
export {
  type BatchRow,
  batchCsvHeader,
  batchRowCsv,
  batchRowJson,
  type CarriedColumns,
  resultJson,
  resultText,
  screenedJson,
} from "./format.js";
export { ageInDays } from "./gaps.js";
export { type CslFileContents, readCslFile } from "./read-csl.js";
export { ScreenCache } from "./screen-cache.js";
export { type ScreenThread, startScreenThread, type ThreadAnswer } from "./screen-thread.js";
