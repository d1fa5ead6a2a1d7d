/**
 * Function words carry no identity: "Nanjing University of Science and Technology" and
 * "Nanjing Univ. Science & Technology" are the same name.
 */
const STOP_WORDS = new Set([
  "of",
  "the",
  "and",
  "for",
  "in",
  "at",
  "de",
  "la",
  "le",
  "du",
  "des",
  "del",
  "et",
  "al",
  "el",
  "ol",
  "a",
]);

/**
 * Abbreviations and spelling variants of common organisation words, folded to one spelling on both
 * the list side and the query side. Nationality adjectives fold to the country because lists and
 * screeners use them interchangeably ("Chinese Academy" / "China Academy").
 */
const CANONICAL: Record<string, string> = {
  tech: "technology",
  techn: "technology",
  technologies: "technology",
  technological: "technology",
  technologie: "technology",
  technologii: "technology",
  tekhnologii: "technology",
  intl: "international",
  int: "international",
  univ: "university",
  uni: "university",
  inst: "institute",
  institut: "institute",
  centre: "center",
  centr: "center",
  tsentr: "center",
  kontsern: "concern",
  koncern: "concern",
  electronic: "electronics",
  elektronika: "electronics",
  microelectronic: "microelectronics",
  telecommunications: "telecommunication",
  natl: "national",
  mfg: "manufacturing",
  sci: "science",
  sciences: "science",
  eng: "engineering",
  engg: "engineering",
  acad: "academy",
  dept: "department",
  assn: "association",
  assoc: "association",
  grp: "group",
  hldgs: "holding",
  holdings: "holding",
  chinese: "china",
  russian: "russia",
  iranian: "iran",
  korean: "korea",
  syrian: "syria",
  pakistani: "pakistan",
  indian: "india",
  mgmt: "management",
  svcs: "services",
  sys: "systems",
  equip: "equipment",
  ind: "industry",
  indus: "industry",
  industries: "industry",
  industrial: "industry",
};

/** Expansions that turn one token into several. */
const EXPANSIONS: Record<string, string[]> = {
  hk: ["hong", "kong"],
  usa: ["united", "states"],
  uae: ["united", "arab", "emirates"],
};

export function isStopWord(token: string): boolean {
  return STOP_WORDS.has(token);
}

/** Stage: generic-word canonicalization (abbreviations, spelling variants, nationality adjectives). */
export function canonicalWord(token: string): string[] {
  const exp = EXPANSIONS[token];
  if (exp) return exp;
  return [CANONICAL[token] ?? token];
}

/**
 * Stage: light plural folding, applied to both sides. Only regular English plurals of words long
 * enough not to be brand stems (Swiss, Atlas and Lexus stay as they are).
 */
export function foldPlural(token: string): string {
  if (token.length <= 4 || /\d/.test(token)) return token;
  // Agent and activity forms of long words (computer / computing, engineer / engineering).
  if (token.length >= 8 && /(ing|ers|er)$/.test(token)) return token.replace(/(ing|ers|er)$/, "");
  if (token.endsWith("ies") && token.length > 5) return `${token.slice(0, -3)}y`;
  if (/(ss|us|is|as|os)$/.test(token)) return token;
  if (token.endsWith("s")) return token.slice(0, -1);
  return token;
}

/** Words that make a name an organisation's rather than a person's. */
const ORGANISATION_WORDS = new Set([
  "technology",
  "group",
  "university",
  "institute",
  "academy",
  "bank",
  "center",
  "industry",
  "holding",
  "trading",
  "electronics",
  "electronic",
  "systems",
  "system",
  "international",
  "engineer",
  "research",
  "factory",
  "plant",
  "bureau",
  "ministry",
  "agency",
  "airline",
  "shipping",
]);

export function isOrganisationWord(token: string): boolean {
  return ORGANISATION_WORDS.has(token);
}
