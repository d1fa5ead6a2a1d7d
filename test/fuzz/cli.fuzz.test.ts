/**
 * A seeded, bounded fuzz run over every CLI command that reads input (flags, arguments, spec files, CSV files),
 * run in-process through the same command definitions as `bin/chipgate` (a process per run would spend the
 * time budget on start-up). For every run: exit 0, 2 or (audit verify) 3, never 1 (a defect) nor a thrown
 * error; exit 2 with a message naming a flag, an argument or a field of the input; and an answer within a
 * generous time limit, kept by a watchdog thread (a wedged command blocks this thread's timers). `serve` is
 * left out: it does not return (the HTTP fuzz suite runs it).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerAuditCommands } from "../../src/cli/audit-commands.js";
import { registerClassifyCommands } from "../../src/cli/classify-commands.js";
import { registerDecideCommands } from "../../src/cli/decide-commands.js";
import { registerFrontierCommands } from "../../src/cli/frontier-commands.js";
import { registerScreenCommands } from "../../src/cli/screen-commands.js";
import { registerServerCommands } from "../../src/cli/server-commands.js";
import { importScreeningList } from "../../src/node/screening/index.js";
import { check, mutate, nastyCsv, nastyJson, nastyString, shortly } from "./arbitraries.js";
import { watchdog } from "./watchdog.js";

const WEDGE_MS = 20_000;
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const fixtures = join(import.meta.dirname, "../fixtures/screening");

let tmp: string;
/** A data directory holding the small excerpt list, so that each screening loads in milliseconds. */
let dataDir: string;
let files = 0;

let dog: ReturnType<typeof watchdog>;

beforeAll(async () => {
  dog = watchdog(WEDGE_MS);
  tmp = mkdtempSync(join(tmpdir(), "chipgate-cli-fuzz-"));
  dataDir = join(tmp, "data");
  await importScreeningList({ dataDir, file: join(fixtures, "csl-2022-excerpt.csv"), allowShrink: true });
});
afterAll(async () => {
  await dog?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

function file(content: string): string {
  const path = join(tmp, `input-${files++}`);
  writeFileSync(path, content);
  return path;
}

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `chipgate <args>` in this process, as bin/chipgate would, capturing its output and exit code. */
async function chipgate(args: string[]): Promise<Outcome> {
  let stdout = "";
  let stderr = "";
  const program = new Command("chipgate").exitOverride().configureOutput({
    writeOut: (s) => {
      stdout += s;
    },
    writeErr: (s) => {
      stderr += s;
    },
  });
  for (const register of [
    registerClassifyCommands,
    registerScreenCommands,
    registerAuditCommands,
    registerDecideCommands,
    registerFrontierCommands,
    registerServerCommands,
  ])
    register(program);
  const out = process.stdout.write;
  const err = process.stderr.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  process.exitCode = undefined;
  let code: number;
  try {
    await program.parseAsync(args, { from: "user" });
    code = Number(process.exitCode ?? 0);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    code = error.exitCode === 0 ? 0 : 2;
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = undefined;
  }
  return { code, stdout, stderr };
}

const transaction = {
  date: "2024-06-01",
  destination: "AE",
  items: [{ chip: "nvidia-h100-sxm5-80gb", quantity: 64 }, { system: { chip: "nvidia-h20", count: 8 } }],
  endUser: { name: "Dunewater Compute Hosting LLC", country: "AE", headquarters: "AE" },
  endUse: ["training"],
};
const spec = { name: "X1", datacenter: true, denseTops: { fp16: 500, fp8: 1000 }, dieAreaMm2: 600 };

/** A JSON file's text: a mutated valid example, any JSON, a byte-order mark, or no JSON at all. */
function jsonFile(example: unknown): fc.Arbitrary<{ text: string; value: unknown }> {
  return fc.oneof(
    { weight: 5, arbitrary: mutate(example).map((v) => ({ text: JSON.stringify(v) ?? "null", value: v })) },
    { weight: 2, arbitrary: nastyJson.map((v) => ({ text: JSON.stringify(v) ?? "null", value: v })) },
    { weight: 1, arbitrary: fc.constant({ text: `\ufeff${JSON.stringify(example)}`, value: example }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((t) => ({ text: t, value: undefined })) },
  );
}

/** An optional flag with a value that is often plausible and often not. */
const flag = (name: string, likely: string[]) =>
  fc.option(
    fc
      .oneof(
        fc.constantFrom(...likely),
        nastyString.filter((v) => !v.startsWith("-") && !v.includes("\u0000")),
      )
      .map((v) => [name, v]),
    { nil: undefined },
  );
const flags = (...parts: fc.Arbitrary<string[] | undefined>[]) =>
  fc.tuple(...parts).map((ps) => ps.flatMap((p) => p ?? []));
/** Argument text: no NUL (a process cannot receive one) and no leading dash (it would be read as a flag). */
const arg = (likely: string[]) =>
  fc.oneof(
    fc.constantFrom(...likely),
    nastyString.filter((v) => !v.startsWith("-") && !v.includes("\u0000") && v !== ""),
  );

interface Case {
  args: string[];
  /** Names of the input a message may point at: flags, arguments, fields of a JSON file. */
  fields: string[];
}

/** Screening threads cannot start from the TypeScript sources: only --workers values that start none. */
const workers = fc.option(
  fc.constantFrom("0", "x", "1000", "1.5").map((v) => ["--workers", v]),
  { nil: undefined },
);
const date = ["2024-06-01", "2023-10-17", "2025-02-30", "yesterday"];
const country = ["CN", "AE", "IN", "ZZ", "cn", "CN,AE"];

const commands: Record<string, fc.Arbitrary<Case>> = {
  "classify --chip": flags(
    flag("--chip", ["nvidia-h20", "nvidia-h100-sxm5-80gb", "nope"]).map((f) => f ?? ["--chip", "nvidia-h20"]),
    flag("--date", date),
    flag("--mode", ["as-enforced", "as-codified", "strict"]),
    flag("--tf32-bits", ["19", "32", "16"]),
  ).map((a) => ({ args: ["classify", ...a, "--json"], fields: [] })),
  "classify --spec": fc
    .tuple(jsonFile(spec), flags(flag("--date", date)))
    .map(([f, a]) => ({ args: ["classify", "--spec", file(f.text), ...a], fields: keys(f.value) })),
  chips: flags(flag("--search", ["h100", "nvidia amd", ""])).map((a) => ({
    args: ["chips", ...a, "--json"],
    fields: [],
  })),
  history: flags(
    flag("--chip", ["nvidia-a800-sxm4-80gb", "x"]).map((f) => f ?? ["--chip", "nvidia-h20"]),
    flag("--mode", ["as-codified", "x"]),
  ).map((a) => ({ args: ["history", ...a], fields: [] })),
  "screen <name>": fc
    .tuple(
      arg(["Huawei Technologies", "华为技术有限公司", "Рособоронэкспорт"]),
      flags(flag("--country", country), flag("--address", ["Shenzhen, CN"])),
    )
    .map(([name, a]) => ({
      args: ["screen", name, ...a, "--json", "--data-dir", dataDir],
      fields: ["name"],
    })),
  "screen --file": fc
    .tuple(
      nastyCsv,
      flags(flag("--column", ["name", "party"]), flag("--country-column", ["country"]), workers),
    )
    .map(([csv, a]) => ({
      args: [
        "screen",
        "--file",
        file(csv),
        ...(a.includes("--workers") ? a : [...a, "--workers", "0"]),
        "--data-dir",
        dataDir,
      ],
      fields: ["file"],
    })),
  "data import": fc
    .tuple(
      fc.oneof(
        nastyCsv,
        fc
          .integer({ min: 0, max: 22 })
          .map((n) =>
            readFileSync(join(fixtures, "csl-2022-excerpt.csv"), "utf8").split("\n").slice(0, n).join("\n"),
          ),
      ),
      flags(flag("--max-shrink", ["5", "50", "101", "x"])),
      fc.boolean(),
    )
    .map(([csv, a, allow]) => ({
      args: [
        "data",
        "import",
        file(csv),
        ...a,
        ...(allow ? ["--allow-shrink"] : []),
        "--data-dir",
        join(tmp, "imports"),
      ],
      fields: ["file"],
    })),
  decide: fc.tuple(jsonFile(transaction), flags(flag("--actor", ["cli:fuzz"]))).map(([f, a]) => ({
    args: ["decide", "--spec", file(f.text), ...a, "--json", "--data-dir", dataDir],
    fields: keys(f.value),
  })),
  "audit verify": flags(flag("--anchor", [`1:${"0".repeat(64)}`, "x"])).map((a) => ({
    args: ["audit", "verify", ...a, "--data-dir", dataDir],
    fields: [],
  })),
  "audit export": flags(
    flag("--format", ["jsonl", "csv", "xml"]).map((f) => f ?? ["--format", "jsonl"]),
    flag("--from", [...date, "2024-06-01T00:00:00Z"]),
    flag("--to", date),
  ).map((a) => ({
    args: ["audit", "export", ...a, "--out", join(tmp, "export"), "--data-dir", dataDir],
    fields: [],
  })),
  frontier: flags(
    flag("--country", country).map((f) => f ?? ["--country", "CN"]),
    flag("--from", date),
    flag("--to", date),
    flag("--mode", ["as-codified", "x"]),
  ).map((a) => ({ args: ["frontier", ...a, "--json"], fields: [] })),
  allocation: flags(
    flag("--chip", ["nvidia-h100-sxm5-80gb", "x"]),
    flag("--quantity", ["1000", "-1", "1e308", "x"]),
    flag("--country", country),
    flag("--date", date),
  ).map((a) => ({ args: ["allocation", ...a, "--json"], fields: [] })),
  "keys create": flags(
    flag("--role", ["viewer", "admin", "root"]).map((f) => f ?? ["--role", "viewer"]),
    flag("--name", ["ops", "ops\u001b[2J"]),
  ).map((a) => ({
    args: ["keys", "create", ...a, "--data-dir", join(tmp, "keys")],
    fields: ["name", "role"],
  })),
  "keys revoke": arg(["000000000000", "abc"]).map((id) => ({
    args: ["keys", "revoke", id, "--data-dir", join(tmp, "keys")],
    fields: ["id"],
  })),
};

function keys(value: unknown): string[] {
  return value && typeof value === "object" && !Array.isArray(value) ? Object.keys(value) : [];
}

/** Whether a refusal names something the caller gave: a flag, an argument, a field of a file, a line. */
function namesInput(stderr: string, c: Case): boolean {
  const given = c.args.filter((a) => a.startsWith("--"));
  if (given.some((f) => stderr.includes(f))) return true;
  if (/\bline \d+\b|\((spec|body|more)\)|option '--|argument|--[a-z]/.test(stderr)) return true;
  if (c.fields.some((f) => stderr.includes(`${f}:`) || stderr.includes(`${f} `) || stderr.includes(`${f}.`)))
    return true;
  return /\b(name|id|file|items|destination|date|endUser|consignee|exporter)\b/.test(stderr);
}

describe("fuzzing every CLI command that reads input", () => {
  it.each(Object.entries(commands))(
    "%s",
    async (_name, cases) => {
      await check(
        fc.asyncProperty(cases, async (c) => {
          const what = `chipgate ${shortly(c.args)}`;
          const result = await dog.run(what, () => chipgate(c.args));
          const allowed = c.args[0] === "audit" && c.args[1] === "verify" ? [0, 2, 3] : [0, 2];
          expect(allowed, `${what} exited ${result.code}: ${shortly(result.stderr)}`).toContain(result.code);
          if (result.code === 2) {
            expect(result.stderr, what).not.toBe("");
            expect(namesInput(result.stderr, c), `${what}: ${shortly(result.stderr)}`).toBe(true);
          }
        }),
        RUNS,
      );
    },
    120_000,
  );
});
