import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { type CatalogChip, parseCatalog } from "../core/catalog/catalog.js";
import { ChipGateError } from "../core/errors.js";
import { dataPath } from "./package-info.js";

function readCsv(file: string): Record<string, string>[] {
  try {
    return parse(readFileSync(file, "utf8"), { columns: true, skip_empty_lines: true, bom: true });
  } catch (error) {
    throw new ChipGateError("CATALOG_DATA_INVALID", `${file}: ${(error as Error).message}`);
  }
}

/** Loads the bundled chip catalog (chips.csv + chips-annotations.csv). */
export function loadCatalog(dir: string = dataPath("catalog")): CatalogChip[] {
  return parseCatalog(readCsv(join(dir, "chips.csv")), readCsv(join(dir, "chips-annotations.csv")));
}
