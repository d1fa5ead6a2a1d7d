import { createHash, randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { endianness } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as zlib from "node:zlib";
import type { ScreeningIndex } from "../../core/screening/build-index.js";
import { type PackedIndex, packIndex, type Section, unpackIndex } from "../../core/screening/index-codec.js";

/**
 * The screening index kept on disk between processes (`<data-dir>/cache/screening-index.bin`), so that
 * `chipgate screen "<name>"` loads it in a fraction of a second instead of building it for seconds.
 *
 * The file is keyed by what the index is made from: the list file, the enrichment file and the code that builds
 * it (the screening modules themselves). Each input is known by its sha256 and by its file identity (device,
 * inode, size, modification and change times in nanoseconds, as git's index knows files): when the identity is
 * the same the content is, since any write changes the change time, and the list need not be read and hashed
 * on every call; when it differs the content is hashed and compared. A file whose key differs is stale and one
 * whose checksum (CRC-32 of everything after the fixed header) fails is corrupt: either is rebuilt, never used.
 * Writes go to a temporary file renamed over the old one, so a reader sees the old file or the new one whole.
 *
 * Layout: 8 bytes magic, u32 header length, u32 checksum, the header (JSON: key, metadata, section table),
 * then the sections, each 8-byte aligned: typed arrays as their bytes (little-endian; text is packed as UTF-8
 * bytes by index-codec.ts).
 */
const MAGIC = Buffer.from("CGSIDX02", "latin1");
const FIXED = 16;

/** One input file of the index: its content hash and its identity on disk (see `fileIdentity`). */
export interface InputFile {
  sha256: string;
  identity: string;
}

export interface IndexCacheKey {
  list: InputFile;
  /** Undefined without an enrichment file. */
  enrichment: InputFile | undefined;
  /** The screening code (see `engineHash`). */
  engine: string;
}

/** Device, inode, size, modification and change times (ns): what changes whenever the file's bytes do. */
export async function fileIdentity(file: string): Promise<string> {
  const s = await stat(file, { bigint: true });
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}

export async function sha256File(file: string): Promise<string> {
  return createHash("sha256")
    .update(await readFile(file))
    .digest("hex");
}

/** Identifies `file` now; `sha256` is read and hashed only when `known` has another identity. */
export async function inputFile(file: string, known?: InputFile): Promise<InputFile> {
  const identity = await fileIdentity(file);
  if (known?.identity === identity) return known;
  return { sha256: await sha256File(file), identity };
}

type SectionKind = "i32" | "u32" | "f64" | "u8";

interface SectionEntry {
  name: string;
  kind: SectionKind;
  offset: number;
  bytes: number;
}

interface Header<M> {
  key: IndexCacheKey;
  meta: M;
  scalars: PackedIndex["scalars"];
  sections: SectionEntry[];
}

export function indexCachePath(dataDir: string): string {
  return join(dataDir, "cache", "screening-index.bin");
}

const crc32: (data: Uint8Array) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === "function"
    ? (data) => (zlib as unknown as { crc32: (d: Uint8Array) => number }).crc32(data)
    : (data) => createHash("sha256").update(data).digest().readUInt32LE(0);

let engine: Promise<string> | undefined;

/**
 * A hash over the screening modules as they run (core and node: compiled JavaScript, or the TypeScript under
 * test), the Chinese word list included, by file name and identity: any change to how names are read or
 * indexed gives another key, so an index built by other code is never used (a rebuild of the same code costs
 * one more index build, never a wrong one).
 */
export function engineHash(): Promise<string> {
  engine ??= (async () => {
    const here = fileURLToPath(import.meta.url);
    const extension = here.endsWith(".ts") ? ".ts" : ".js";
    const roots = [join(dirname(here), "..", "..", "core", "screening"), dirname(here)];
    const hash = createHash("sha256");
    for (const root of roots) {
      const files = (await readdir(root, { recursive: true }))
        .filter((f) => f.endsWith(extension) && !f.endsWith(`.test${extension}`) && !f.endsWith(".d.ts"))
        .sort();
      const identities = await Promise.all(files.map((f) => fileIdentity(join(root, f))));
      for (const [i, f] of files.entries()) hash.update(`${f}\u0000${identities[i]}\u0000`);
    }
    return hash.digest("hex");
  })();
  return engine;
}

function kindOf(section: Section): SectionKind {
  if (section instanceof Int32Array) return "i32";
  if (section instanceof Uint32Array) return "u32";
  if (section instanceof Float64Array) return "f64";
  return "u8";
}

/** Writes `index` and its key atomically; returns the path. Throws on an I/O error (the caller decides). */
export async function writeIndexCache<M>(
  path: string,
  key: IndexCacheKey,
  meta: M,
  index: ScreeningIndex,
): Promise<void> {
  const packed = packIndex(index);
  const bodies: Uint8Array[] = [];
  const sections: SectionEntry[] = [];
  let offset = 0;
  for (const [name, section] of Object.entries(packed.sections)) {
    const kind = kindOf(section);
    const bytes = new Uint8Array(section.buffer, section.byteOffset, section.byteLength);
    const pad = (8 - (offset % 8)) % 8;
    if (pad > 0) bodies.push(new Uint8Array(pad));
    offset += pad;
    sections.push({ name, kind, offset, bytes: bytes.byteLength });
    bodies.push(bytes);
    offset += bytes.byteLength;
  }
  const header: Header<M> = { key, meta, scalars: packed.scalars, sections };
  let headerBytes = Buffer.from(JSON.stringify(header), "utf8");
  // The body starts 8-byte aligned, so typed arrays can be read in place.
  const headerPad = (8 - ((FIXED + headerBytes.length) % 8)) % 8;
  headerBytes = Buffer.concat([headerBytes, Buffer.alloc(headerPad, 0x20)]);
  const fixed = Buffer.alloc(FIXED);
  MAGIC.copy(fixed, 0);
  fixed.writeUInt32LE(headerBytes.length, 8);
  const rest = Buffer.concat([headerBytes, ...bodies]);
  fixed.writeUInt32LE(crc32(rest), 12);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await writeFile(tmp, Buffer.concat([fixed, rest]));
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export type CacheRead<M> =
  | { status: "loaded"; index: ScreeningIndex; meta: M; key: IndexCacheKey }
  | { status: "missing" | "stale" | "corrupt"; reason: string };

/**
 * Reads the index at `path` when `current` (given the key the file was written with) says its inputs are
 * those of now, and its checksum holds; says why not otherwise.
 */
export async function readIndexCache<M>(
  path: string,
  current: (stored: IndexCacheKey) => Promise<boolean>,
): Promise<CacheRead<M>> {
  let file: Buffer;
  try {
    file = await readFile(path);
  } catch (e) {
    return { status: "missing", reason: (e as Error).message };
  }
  const corrupt = (reason: string): CacheRead<M> => ({ status: "corrupt", reason });
  if (endianness() !== "LE") return { status: "stale", reason: "big-endian host" };
  if (file.length < FIXED || !file.subarray(0, 8).equals(MAGIC)) return corrupt("not a ChipGate index file");
  const headerLength = file.readUInt32LE(8);
  if (FIXED + headerLength > file.length) return corrupt("truncated header");
  let header: Header<M>;
  try {
    header = JSON.parse(file.toString("utf8", FIXED, FIXED + headerLength)) as Header<M>;
  } catch {
    return corrupt("unreadable header");
  }
  if (!header.key?.list || !(await current(header.key)))
    return { status: "stale", reason: "built from another list, enrichment or code" };
  if (crc32(file.subarray(FIXED)) !== file.readUInt32LE(12)) return corrupt("checksum mismatch");
  // Typed arrays need their own alignment within the underlying buffer.
  if (file.byteOffset % 8 !== 0) file = Buffer.from(file);
  const body = FIXED + headerLength;
  const sections: Record<string, Section> = {};
  try {
    for (const s of header.sections) {
      const at = body + s.offset;
      if (at + s.bytes > file.length) return corrupt(`section ${s.name} runs past the end`);
      const { buffer, byteOffset } = file;
      switch (s.kind) {
        case "i32":
          sections[s.name] = new Int32Array(buffer, byteOffset + at, s.bytes / 4);
          break;
        case "u32":
          sections[s.name] = new Uint32Array(buffer, byteOffset + at, s.bytes / 4);
          break;
        case "f64":
          sections[s.name] = new Float64Array(buffer, byteOffset + at, s.bytes / 8);
          break;
        case "u8":
          sections[s.name] = new Uint8Array(buffer, byteOffset + at, s.bytes);
          break;
        default:
          return corrupt(`unknown section kind ${String((s as SectionEntry).kind)}`);
      }
    }
    const index = unpackIndex({ scalars: header.scalars, sections });
    return { status: "loaded", index, meta: header.meta, key: header.key };
  } catch (e) {
    return corrupt((e as Error).message);
  }
}
