import {
  type Csr,
  forEachInTable,
  type HashTable,
  hashString,
  type IndexEnrichment,
  type IndexedName,
  packHashTable,
  recordCountries,
  type ScreeningIndex,
  type Table,
  TERM_SPACE,
} from "./build-index.js";
import { CSL_COLUMNS, CSL_EXTRA_COLUMNS, type CslRecord, listCodeOfSource } from "./csl.js";

/**
 * A screening index as flat sections (typed arrays and long strings) and a few numbers, so that a process can
 * keep it on disk and load it in milliseconds instead of rebuilding it from the list (see
 * src/node/screening/index-cache.ts, which writes the sections to one file with a checksum). Loading copies
 * nothing per row: records, names and terms are made from their packed text when a query first reaches them.
 */
export type Section = Int32Array | Uint32Array | Float64Array | Uint8Array;

export interface PackedIndex {
  scalars: { unknownWeight: number };
  sections: Record<string, Section>;
}

const RECORD_COLUMNS = [...CSL_COLUMNS, ...CSL_EXTRA_COLUMNS] as const;
const VIA = ["name", "alias"] as const;

/**
 * A table of strings packed as UTF-8 bytes and the byte offset of each piece. Each code unit of a lone
 * surrogate is written as its own three-byte sequence (as WTF-8 does), so any JavaScript string comes back
 * exactly as it was.
 */
function packStrings(count: number, at: (i: number) => string): { bytes: Uint8Array; starts: Int32Array } {
  const starts = new Int32Array(count + 1);
  for (let i = 0; i < count; i++) starts[i + 1] = starts[i]! + utf8Length(at(i));
  const bytes = new Uint8Array(starts[count]!);
  for (let i = 0; i < count; i++) encodeUtf8(at(i), bytes, starts[i]!);
  return { bytes, starts };
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1))) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c < 0xe000;
}

function encodeUtf8(s: string, out: Uint8Array, at: number): void {
  let o = at;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) out[o++] = c;
    else if (c < 0x800) {
      out[o++] = 0xc0 | (c >> 6);
      out[o++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1))) {
      c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
      out[o++] = 0xf0 | (c >> 18);
      out[o++] = 0x80 | ((c >> 12) & 0x3f);
      out[o++] = 0x80 | ((c >> 6) & 0x3f);
      out[o++] = 0x80 | (c & 0x3f);
    } else {
      out[o++] = 0xe0 | (c >> 12);
      out[o++] = 0x80 | ((c >> 6) & 0x3f);
      out[o++] = 0x80 | (c & 0x3f);
    }
  }
}

/** The inverse of `encodeUtf8` for `bytes[start .. end)`. */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  const units: number[] = [];
  let out = "";
  for (let i = start; i < end; ) {
    const b = bytes[i]!;
    let c: number;
    if (b < 0x80) {
      c = b;
      i += 1;
    } else if (b < 0xe0) {
      c = ((b & 0x1f) << 6) | (bytes[i + 1]! & 0x3f);
      i += 2;
    } else if (b < 0xf0) {
      c = ((b & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f);
      i += 3;
    } else {
      c =
        ((b & 0x07) << 18) |
        ((bytes[i + 1]! & 0x3f) << 12) |
        ((bytes[i + 2]! & 0x3f) << 6) |
        (bytes[i + 3]! & 0x3f);
      i += 4;
      c -= 0x10000;
      units.push(0xd800 + (c >> 10));
      c = 0xdc00 + (c & 0x3ff);
    }
    units.push(c);
    // Bounded chunks: String.fromCharCode takes its code units as arguments.
    if (units.length >= 4096) {
      out += String.fromCharCode(...units);
      units.length = 0;
    }
  }
  return out + String.fromCharCode(...units);
}

/** Rows made on first use and kept: a loaded index pays only for the rows its queries reach. */
function lazyTable<T>(length: number, make: (i: number) => T): Table<T> {
  const rows: (T | undefined)[] = new Array(length);
  return {
    length,
    at(i) {
      if (i < 0 || i >= length) return undefined;
      let row = rows[i];
      if (row === undefined) {
        row = make(i);
        rows[i] = row;
      }
      return row;
    },
  };
}

function stringTable(bytes: Uint8Array, starts: Int32Array): Table<string> {
  return lazyTable(starts.length - 1, (i) => decodeUtf8(bytes, starts[i]!, starts[i + 1]!));
}

function packCsr(count: number, row: (i: number) => ArrayLike<number>): Csr {
  const start = new Int32Array(count + 1);
  for (let i = 0; i < count; i++) start[i + 1] = start[i]! + row(i).length;
  const items = new Int32Array(start[count]!);
  for (let i = 0; i < count; i++) items.set(row(i), start[i]!);
  return { start, items };
}

function csrRow(csr: Csr, i: number): Int32Array {
  return csr.items.subarray(csr.start[i]!, csr.start[i + 1]!);
}

export function packIndex(index: ScreeningIndex): PackedIndex {
  const sections: Record<string, Section> = {};
  const put = (prefix: string, packed: Record<string, Section>): void => {
    for (const [k, v] of Object.entries(packed)) sections[`${prefix}.${k}`] = v;
  };
  const records = index.records;
  const columns = RECORD_COLUMNS.length;
  const fields = packStrings(records.length * columns, (i) => {
    const r = records.at(Math.floor(i / columns))!;
    return r[RECORD_COLUMNS[i % columns]!];
  });
  put("records", {
    text: fields.bytes,
    starts: fields.starts,
    row: Int32Array.from({ length: records.length }, (_, i) => records.at(i)!.row),
    list: index.recordList,
  });

  const names = index.names;
  const name = (i: number): IndexedName => names.at(i)!;
  const text = packStrings(names.length, (i) => name(i).text);
  const legal = packStrings(names.length, (i) => name(i).legal.join(" "));
  const tokens = packCsr(names.length, (i) => name(i).tokens);
  const pairs = packCsr(names.length, (i) => name(i).pairs);
  const triples = packCsr(names.length, (i) => name(i).triples);
  put("names", {
    record: index.nameRecord,
    via: Uint8Array.from({ length: names.length }, (_, i) => VIA.indexOf(name(i).via)),
    acronym: Int32Array.from({ length: names.length }, (_, i) => name(i).acronym),
    distinctiveCount: Int32Array.from({ length: names.length }, (_, i) => name(i).distinctiveCount),
    enrichment: Int32Array.from({ length: names.length }, (_, i) => name(i).enrichment),
    mass: index.nameMass,
    text: text.bytes,
    textStarts: text.starts,
    legal: legal.bytes,
    legalStarts: legal.starts,
    tokenStarts: tokens.start,
    tokens: tokens.items,
    pairStarts: pairs.start,
    pairs: pairs.items,
    tripleStarts: triples.start,
    triples: triples.items,
  });

  const terms = packStrings(index.terms.length, (t) => index.terms.at(t)!);
  const byText = new Float64Array(index.terms.length);
  for (let t = 0; t < byText.length; t++) byText[t] = hashString(index.terms.at(t)!) * TERM_SPACE + t;
  const termHash = packHashTable(byText);
  put("terms", {
    text: terms.bytes,
    starts: terms.starts,
    hashes: termHash.hashes,
    ids: termHash.terms,
    idf: index.idf,
    weight: index.weight,
    penalty: index.penalty,
    distinctive: index.distinctive,
    ordinary: index.ordinary,
    df: index.df,
    postingStarts: index.postings.start,
    postings: index.postings.items,
  });
  put("byKey", { hashes: index.byKey.hashes, terms: index.byKey.terms });
  put("byDeletion", { hashes: index.byDeletion.hashes, terms: index.byDeletion.terms });

  const keys = [...index.synonyms.keys()];
  const synonyms = packCsr(keys.length, (i) => index.synonyms.get(keys[i]!)!);
  put("synonyms", { keys: Int32Array.from(keys), starts: synonyms.start, items: synonyms.items });
  // The enrichment rows and the join report are small: one JSON text.
  sections.enrichment = packStrings(1, () => JSON.stringify(index.enrichment)).bytes;
  return { scalars: { unknownWeight: index.unknownWeight }, sections };
}

/** The inverse of `packIndex`; throws when a section is missing or of the wrong kind. */
export function unpackIndex(packed: PackedIndex): ScreeningIndex {
  const { sections } = packed;
  function get<K extends "i32" | "u32" | "f64" | "u8">(
    name: string,
    kind: K,
  ): K extends "i32"
    ? Int32Array
    : K extends "u32"
      ? Uint32Array
      : K extends "f64"
        ? Float64Array
        : Uint8Array {
    const v = sections[name];
    const ok =
      kind === "i32"
        ? v instanceof Int32Array
        : kind === "u32"
          ? v instanceof Uint32Array
          : kind === "f64"
            ? v instanceof Float64Array
            : v instanceof Uint8Array;
    if (!ok) throw new Error(`packed screening index: section "${name}" is missing or not ${kind}`);
    return v as never;
  }

  const recordText = get("records.text", "u8");
  const recordStarts = get("records.starts", "i32");
  const recordRow = get("records.row", "i32");
  const columns = RECORD_COLUMNS.length;
  const records = lazyTable<CslRecord>(recordRow.length, (i) => {
    const r: Record<string, string | number> = {};
    for (let c = 0; c < columns; c++) {
      const f = i * columns + c;
      r[RECORD_COLUMNS[c]!] = decodeUtf8(recordText, recordStarts[f]!, recordStarts[f + 1]!);
    }
    r.list = listCodeOfSource(r.source as string)!;
    r.row = recordRow[i]!;
    return r as unknown as CslRecord;
  });

  const nameRecord = get("names.record", "i32");
  const via = get("names.via", "u8");
  const acronym = get("names.acronym", "i32");
  const distinctiveCount = get("names.distinctiveCount", "i32");
  const nameEnrichment = get("names.enrichment", "i32");
  const nameMass = get("names.mass", "f64");
  const text = stringTable(get("names.text", "u8"), get("names.textStarts", "i32"));
  const legal = stringTable(get("names.legal", "u8"), get("names.legalStarts", "i32"));
  const tokens: Csr = { start: get("names.tokenStarts", "i32"), items: get("names.tokens", "i32") };
  const pairs: Csr = { start: get("names.pairStarts", "i32"), items: get("names.pairs", "i32") };
  const triples: Csr = { start: get("names.tripleStarts", "i32"), items: get("names.triples", "i32") };
  const names = lazyTable<IndexedName>(nameRecord.length, (i) => {
    const words = legal.at(i)!;
    return {
      record: nameRecord[i]!,
      text: text.at(i)!,
      via: VIA[via[i]!]!,
      tokens: csrRow(tokens, i),
      pairs: csrRow(pairs, i),
      triples: csrRow(triples, i),
      acronym: acronym[i]!,
      legal: words === "" ? [] : words.split(" "),
      mass: nameMass[i]!,
      distinctiveCount: distinctiveCount[i]!,
      enrichment: nameEnrichment[i]!,
    };
  });

  const terms = stringTable(get("terms.text", "u8"), get("terms.starts", "i32"));
  const termHash: HashTable = { hashes: get("terms.hashes", "u32"), terms: get("terms.ids", "i32") };
  const termIds = {
    get(term: string): number | undefined {
      let found: number | undefined;
      forEachInTable(termHash, hashString(term), (t) => {
        if (found === undefined && terms.at(t) === term) found = t;
      });
      return found;
    },
  };

  const enrichmentJson = get("enrichment", "u8");
  const synonymKeys = get("synonyms.keys", "i32");
  const synonymRows: Csr = { start: get("synonyms.starts", "i32"), items: get("synonyms.items", "i32") };
  const synonyms = new Map<number, readonly number[]>();
  for (let i = 0; i < synonymKeys.length; i++) synonyms.set(synonymKeys[i]!, [...csrRow(synonymRows, i)]);

  return {
    records,
    names,
    nameMass,
    nameRecord,
    recordList: get("records.list", "u8"),
    terms,
    termIds,
    idf: get("terms.idf", "f64"),
    weight: get("terms.weight", "f64"),
    penalty: get("terms.penalty", "f64"),
    distinctive: get("terms.distinctive", "u8"),
    ordinary: get("terms.ordinary", "u8"),
    unknownWeight: packed.scalars.unknownWeight,
    df: get("terms.df", "i32"),
    postings: { start: get("terms.postingStarts", "i32"), items: get("terms.postings", "i32") },
    byKey: { hashes: get("byKey.hashes", "u32"), terms: get("byKey.terms", "i32") },
    byDeletion: { hashes: get("byDeletion.hashes", "u32"), terms: get("byDeletion.terms", "i32") },
    countries: lazyTable(recordRow.length, (i) => recordCountries(records.at(i)!)),
    synonyms,
    enrichment: JSON.parse(decodeUtf8(enrichmentJson, 0, enrichmentJson.length)) as IndexEnrichment,
  };
}
