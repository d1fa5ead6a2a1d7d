import { LIST_CODES, type ListCode } from "../../core/screening/csl.js";
import type { DatasetVersion } from "./dataset.js";

/** Lists a current trade.gov CSL contains; a missing one is a gap worth stating (FSE has left it). */
const EXPECTED_LISTS: readonly ListCode[] = LIST_CODES.filter((l) => l !== "FSE");

const DAY = 86_400_000;

export function ageInDays(snapshotDate: string | undefined, now: Date = new Date()): number | undefined {
  if (!snapshotDate) return undefined;
  const t = Date.parse(`${snapshotDate}T00:00:00Z`);
  return Number.isNaN(t) ? undefined : Math.floor((now.getTime() - t) / DAY);
}

function common(version: DatasetVersion): string[] {
  const gaps: string[] = [];
  for (const list of EXPECTED_LISTS) {
    if (!version.rowsPerList[list]) gaps.push(`No ${list} rows in this file: that list is not screened.`);
  }
  const age = ageInDays(version.snapshotDate);
  if (age !== undefined && age > 30) {
    gaps.push(
      `The newest snapshot date is ${version.snapshotDate} (${age} days ago); parties listed since then are not screened. Import the current CSL from trade.gov.`,
    );
  }
  return gaps;
}

/** The documented gaps of the bundled merge (see data/screening/README of the data drop). */
export function bundledGaps(version: DatasetVersion): string[] {
  return [
    "This is a bundled snapshot merged from public copies, not the live trade.gov CSL; import the current consolidated.csv with `chipgate data import`.",
    "SDN entries designated after about 2023-01-21 (OFAC ent_num above 40421) are missing, including most Russia, China and Iran designations of 2023-2026.",
    "No complete CSL newer than May 2022 was available: UVL and ISN are their May 2022 versions.",
    "EL, MEU, DPL and DTC rows come from eCFR/BIS/DDTC extracts (July 2026 and earlier) and have no official CSL _id; their ids are stable hashes (el-, meu-, dpl-, dtc-).",
    "Dates of birth and ID numbers were not parsed out of the remarks, so individuals are screened by name only.",
    ...common(version),
  ];
}

export function importedGaps(version: DatasetVersion): string[] {
  return common(version);
}
