/**
 * The CLI findings of the hardening issue (16): long input refused at once, CSV errors and empty CSVs with the
 * API's words, union errors naming the field, a spec with a byte-order mark, key names printed safely.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorOf, type TestServer, testServer } from "../server/helpers.js";
import { cli } from "./helpers.js";

let tmp: string;
let api: TestServer;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "chipgate-cli-hardening-"));
  api = await testServer();
});
afterAll(async () => {
  await api?.close();
  rmSync(tmp, { recursive: true, force: true });
});

function file(name: string, content: string): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

const transaction = {
  date: "2024-06-01",
  destination: "CN",
  items: [{ chip: "nvidia-h20", quantity: 8 }],
  endUser: { name: "Example Cloud Ltd", country: "CN", headquarters: "CN" },
};

/** What the API answers for the same input: its error message. */
async function apiMessage(path: string, init: RequestInit & { json?: unknown }): Promise<string> {
  return (await errorOf(await api.request(path, { ...init, key: api.key.admin }))).message;
}

describe("long input is refused at once, naming the field", () => {
  it("decide: a 1 MB one-word party name exits 2 at endUser.name, the API's message, nothing recorded", async () => {
    const txn = { ...transaction, endUser: { ...transaction.endUser, name: "a".repeat(1_000_000) } };
    const dataDir = join(tmp, "decide-long");
    const r = cli(["decide", "--spec", file("long.json", JSON.stringify(txn)), "--data-dir", dataDir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("chipgate: invalid input: endUser.name: name must be at most 500 characters\n");
    expect(cli(["audit", "verify", "--data-dir", dataDir]).status).toBe(2); // no trail was even created
  });

  it("screen: a 100,000-letter one-word name exits 2 naming it (argv holds at most 128 KB)", () => {
    const r = cli(["screen", "a".repeat(100_000), "--data-dir", join(tmp, "none")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("chipgate: name must be at most 500 characters\n");
  });
});

describe("CSV errors: exit 2 with the line, the same words as the API", () => {
  it("a stray quote", async () => {
    const content = 'name\nAcme\nZyx"Secret\n';
    const r = cli(["screen", "--file", file("stray.csv", content), "--data-dir", join(tmp, "none")]);
    expect(r.status).toBe(2);
    const message = await apiMessage("/v1/screen/csv", {
      method: "POST",
      body: content,
      headers: { "content-type": "text/csv" },
    });
    expect(message).toMatch(/^line 3: unreadable CSV: Invalid Opening Quote/);
    expect(r.stderr).toBe(`chipgate: ${message}\n`);
  });

  it("an empty CSV", async () => {
    const r = cli(["screen", "--file", file("empty.csv", ""), "--data-dir", join(tmp, "none")]);
    expect(r.status).toBe(2);
    const message = await apiMessage("/v1/screen/csv", {
      method: "POST",
      body: "",
      headers: { "content-type": "text/csv" },
    });
    expect(r.stderr).toBe(`chipgate: ${message}\n`);
  });
});

describe("decide: errors name the field inside a union, as the API does", () => {
  it.each([
    ["a chip id of the wrong type in a system", [{ system: { chip: 5, count: 2 } }], "items.0.system.chip"],
    [
      "an unknown chip id in a system",
      [{ system: { chip: "nvidia-h2000", count: 2 } }],
      "items.0.system.chip",
    ],
    [
      "a bad figure inside a system's spec",
      [{ system: { chip: { denseTops: { fp16: "x" } }, count: 2 } }],
      "items.0.system.chip.denseTops.fp16",
    ],
    [
      "an overflowing figure",
      [{ spec: { denseTops: { fp16: 1e308 }, dieAreaMm2: 800 } }],
      "items.0.spec.denseTops.fp16",
    ],
  ])("%s", async (_what, items, path) => {
    const txn = { ...transaction, items };
    const r = cli(["decide", "--spec", "-", "--data-dir", join(tmp, "decide-union")], {
      input: JSON.stringify(txn),
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${path}: `);
    expect(r.stderr).not.toMatch(/Invalid input$/m);
    expect(r.stderr).toBe(`chipgate: ${await apiMessage("/v1/decisions", { json: txn })}\n`);
  });
});

describe("small CLI items", () => {
  it("reads a spec saved with a byte-order mark", () => {
    const spec = file(
      "bom.json",
      `\uFEFF${JSON.stringify({ datacenter: true, denseTops: { fp16: 100 }, dieAreaMm2: 500 })}`,
    );
    const r = cli(["classify", "--spec", spec, "--date", "2024-06-01", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).tpp).toBe(1600);
  });

  it("keys list prints control characters in key names as escapes; new names may not hold them", () => {
    const dataDir = join(tmp, "keys");
    expect(
      cli(["keys", "create", "--role", "viewer", "--name", "ops\u001b[2J", "--data-dir", dataDir]).status,
    ).toBe(2);
    expect(cli(["keys", "create", "--role", "viewer", "--name", "ops", "--data-dir", dataDir]).status).toBe(
      0,
    );
    // A name stored before control characters were refused.
    const db = new Database(join(dataDir, "audit.sqlite"));
    db.prepare("UPDATE chipgate_api_keys SET name = ?").run("ops\u001b]0;pwned\u0007\u009b");
    db.close();
    const r = cli(["keys", "list", "--data-dir", dataDir]);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(r.stdout).toContain("ops\\u001b]0;pwned\\u0007\\u009b");
  });
});
