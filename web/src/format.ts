import type { ChipRow } from "./types";

const nf = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });
const nf0 = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

export function num(n: number | null | undefined, digits = 2): string {
  if (n === null || n === undefined || Number.isNaN(n)) return "—";
  if (Math.abs(n) >= 1e15) return n.toExponential(2);
  return digits === 0 ? nf0.format(n) : nf.format(n);
}

export const chipName = (c: { vendor: string; name: string; variant: string }) =>
  `${c.vendor} ${c.name}${c.variant ? ` ${c.variant}` : ""}`;

/** Classification statuses, as the explorer colors and explains them. */
export type StatusKey = "a" | "b" | "c" | "other" | "none" | "undetermined";

export function statusOf(row: Pick<ChipRow, "paragraph" | "eccn" | "status">): StatusKey {
  if (row.status === "undetermined") return "undetermined";
  const p = row.paragraph ?? "";
  if (/^3A090\.a|^4A090\.a/.test(p)) return "a";
  if (/^3A090\.b|^4A090\.b/.test(p)) return "b";
  if (/^3A090\.c/.test(p)) return "c";
  if (row.eccn && /^3A090|^4A090/.test(row.eccn)) return "other";
  return "none";
}

export const statusLabel: Record<StatusKey, string> = {
  a: "3A090.a (most restricted)",
  b: "3A090.b",
  c: "3A090.c (HBM)",
  other: "Other 3A090/4A090",
  none: "Not in 3A090",
  undetermined: "Undetermined (data missing)",
};

/** Colorblind-safe (Okabe–Ito) colors, dark enough for text contrast on white where used as text. */
export const statusColor: Record<StatusKey, string> = {
  a: "#c23b22",
  b: "#d98a00",
  c: "#8a5a9e",
  other: "#8a5a9e",
  none: "#2f7d5b",
  undetermined: "#6b7280",
};

export function classificationText(
  row: Pick<ChipRow, "paragraph" | "eccn" | "status" | "undetermined">,
): string {
  if (row.status === "undetermined") return `Undetermined: needs ${row.undetermined.join(", ") || "data"}`;
  if (row.paragraph) return row.paragraph;
  if (row.eccn) return row.eccn;
  return "Not in 3A090";
}

/** Licensing categories of a frontier step, in the order from least to most restricted. */
export const licenseCategories = [
  { key: "noLicense", label: "No license required", color: "#2f7d5b" },
  { key: "licenseException", label: "License exception", color: "#3a7bbf" },
  { key: "presumptionOfApproval", label: "License: presumption of approval", color: "#7a9a2e" },
  { key: "caseByCase", label: "License: case-by-case review", color: "#d98a00" },
  { key: "presumptionOfDenial", label: "License: presumption of denial", color: "#c23b22" },
  { key: "otherLicenseRequired", label: "License required (notice to the vendor)", color: "#9b2c5a" },
  { key: "undetermined", label: "Undetermined", color: "#6b7280" },
  { key: "domestic", label: "Designed in the destination", color: "#8a5a9e" },
] as const;

export type LicenseKey = (typeof licenseCategories)[number]["key"];

export const outcomeLabel: Record<string, string> = {
  "no-license-required": "No license required",
  "license-exception": "License exception available",
  "license-required": "License required",
  undetermined: "Undetermined",
};

export const countryNames: Record<string, string> = {
  CN: "China",
  MO: "Macau",
  HK: "Hong Kong",
  AE: "United Arab Emirates",
  SA: "Saudi Arabia",
  IN: "India",
  RU: "Russia",
  IR: "Iran",
  IL: "Israel",
  SG: "Singapore",
  MY: "Malaysia",
  VN: "Vietnam",
  JP: "Japan",
  KR: "South Korea",
  TW: "Taiwan",
  DE: "Germany",
  GB: "United Kingdom",
  FR: "France",
  US: "United States",
  BR: "Brazil",
  KH: "Cambodia",
  PK: "Pakistan",
  TR: "Turkey",
  QA: "Qatar",
};

export const countryLabel = (code: string) => (countryNames[code] ? `${countryNames[code]} (${code})` : code);

export function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}
