import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The web UI end to end: a real `chipgate serve` process on a free port with its own data directory, driven by
 * Debian's Chromium through playwright-core. Screenshots of each main page go to artifacts/web/.
 */

// Functions passed to page.evaluate run in the browser; this test's tsconfig has no DOM types.
declare const window: { scrollTo(x: number, y: number): void };
declare const document: { documentElement: { scrollWidth: number } };
declare const sessionStorage: { getItem(key: string): string | null };

const root = join(import.meta.dirname, "..", "..");
const CHROMIUM = process.env.CHIPGATE_CHROMIUM ?? "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `SKIPPED test/web/ui.test.ts: no Chromium at ${CHROMIUM}. Install Debian's package (apt-get install -y chromium; .ci/run does) or set CHIPGATE_CHROMIUM.`,
  );
}
const SHOTS = join(root, "artifacts", "web");
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let server: ChildProcess | undefined;
let baseUrl = "";
let dataDir = "";
let profileDir = "";
let context: BrowserContext | undefined;
let page: Page;
const serverLog: string[] = [];
const pageErrors: string[] = [];

async function startServer(): Promise<string> {
  const cli = join(root, "dist", "src", "cli", "main.js");
  if (!existsSync(cli) || !existsSync(join(root, "dist", "web", "index.html"))) {
    throw new Error("the server or the UI is not built: run `npm run build` first (npm test does)");
  }
  server = spawn(
    process.execPath,
    [join(root, "bin", "chipgate"), "serve", "--port", "0", "--data-dir", dataDir, "--rate-limit", "0"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  server.stderr!.on("data", (d: Buffer) => serverLog.push(d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`server did not listen:\n${out}`)), 20_000);
    server!.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      serverLog.push(d.toString());
      const m = /"msg":"listening","url":"([^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    server!.once("exit", (code) => reject(new Error(`server exited ${code}:\n${out}`)));
  });
  for (let i = 0; i < 200; i++) {
    const res = await fetch(`${url}/readyz`).catch(() => undefined);
    if (res?.status === 200) return url;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server not ready:\n${serverLog.join("")}`);
}

async function shot(name: string, fullPage = false, p: Page = page): Promise<void> {
  await p.evaluate(() => window.scrollTo(0, 0));
  await p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

async function goto(path: string, p: Page = page): Promise<void> {
  await p.goto(`${baseUrl}${path}`);
  await p.locator("h1").first().waitFor();
}

/** Moves the rule-version slider with the keyboard until it shows `date`. */
async function slideTo(date: string): Promise<void> {
  const slider = page.getByLabel(/Rule version on/);
  await slider.focus();
  await page.keyboard.press("Home");
  for (let i = 0; i < 30; i++) {
    if ((await page.getByTestId("slider-date").textContent()) === date) return;
    await page.keyboard.press("ArrowRight");
  }
  throw new Error(`the slider never showed ${date}`);
}

const cell = (chip: string, col: "class" | "export") =>
  page.locator(`tr[data-chip="${chip}"] td[data-col="${col}"]`);

describe.skipIf(!hasChromium)("web UI in Chromium", () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), "chipgate-web-"));
    profileDir = mkdtempSync(join(tmpdir(), "chipgate-chromium-"));
    baseUrl = await startServer();
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (e) => pageErrors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(m.text());
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (server && server.exitCode === null) {
      server.kill("SIGTERM");
      await new Promise((r) => server!.once("exit", r));
    }
    for (const d of [dataDir, profileDir]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it("explorer: the table and chart load, and the date slider changes the A800's and H20's status", async () => {
    await goto("/");
    await expect
      .poll(() => page.locator("#chip-table tbody tr").count(), { timeout: 15_000 })
      .toBeGreaterThan(50);
    expect(await page.locator(".figure svg").count()).toBeGreaterThan(0);
    await expect.poll(() => cell("nvidia-h20", "export").textContent()).not.toBe("…");

    await slideTo("2022-10-07");
    await expect.poll(() => cell("nvidia-a800-sxm4-80gb", "class").textContent()).toBe("Not in 3A090");
    await expect.poll(() => cell("nvidia-h20", "export").textContent()).toBe("No license required");
    await shot("explorer-2022-10");

    await slideTo("2023-11-17");
    await expect.poll(() => cell("nvidia-a800-sxm4-80gb", "class").textContent()).toBe("3A090.a.1");
    await expect.poll(() => cell("nvidia-h20", "export").textContent()).toBe("No license required");

    await slideTo("2025-04-09");
    await expect.poll(() => cell("nvidia-h20", "export").textContent()).toMatch(/^License required/);
    expect(await cell("nvidia-a800-sxm4-80gb", "export").textContent()).toMatch(/presumption of denial/);

    // Search narrows the table.
    await page.getByLabel("Search chips").fill("mi308");
    await expect.poll(() => page.locator("#chip-table tbody tr").count()).toBe(1);
    await page.getByLabel("Search chips").fill("");
    await slideTo("2026-01-15");
    await shot("explorer-1280");

    // Hovering a point shows its values.
    const dot = page
      .locator(".figure svg g[aria-label='dot'] path, .figure svg g[aria-label='dot'] circle")
      .first();
    await dot.hover({ force: true });
    await expect
      .poll(() => page.locator(".figure svg [aria-label='tip']").textContent(), { timeout: 5000 })
      .toContain("Chip");

    await page.locator('tr[data-chip="nvidia-a800-sxm4-80gb"] th a').click();
    await page.getByRole("heading", { name: /A800/ }).waitFor();
    await expect
      .poll(() => page.locator("table[data-mode='as-enforced'] tbody tr").count())
      .toBeGreaterThan(1);
    const history = await page.locator("table[data-mode='as-enforced']").textContent();
    expect(history).toContain("3A090.a.1");
    expect(history).toContain("Not in 3A090");
    expect(await page.locator(".sources a").count()).toBeGreaterThan(0);
    await shot("chip-a800");
  });

  it("classify: the explained result follows the form as the user types", async () => {
    await goto("/classify");
    await page.getByLabel("FP16").fill("990");
    await page.getByLabel("Die area").fill("814");
    await page.getByLabel("Yes").check();
    const result = page.getByTestId("classify-result");
    await expect
      .poll(() => result.locator(".headline").textContent(), { timeout: 10_000 })
      .toBe("ECCN 3A090.a.1");
    expect(await page.getByTestId("tpp").textContent()).toBe("15,840");
    expect(await result.locator("ol.reasons li").count()).toBeGreaterThan(0);
    await shot("classify-1280");
    await page.getByLabel("FP16").fill("100");
    await expect.poll(() => result.locator(".headline").textContent()).toBe("Not in ECCN 3A090");
    await page.getByLabel("Die area").fill("-5");
    await expect
      .poll(() => page.locator(".field-error").first().textContent())
      .toContain("greater than zero");
  });

  let decisionId = "";
  it("decide: a decision is saved, opens as a printable record, and is found in the audit view", async () => {
    await goto("/decide?chip=nvidia-h20");
    await page.getByLabel("Destination").fill("CN");
    await page.getByLabel("Date").fill("2025-06-01");
    await page.locator("#endUser-name").fill("Example Cloud Ltd");
    await page.locator("#endUser-country").fill("CN");
    await page.locator("#endUser-hq").fill("CN");
    await page.getByLabel("Exporter").fill("NVIDIA");
    await page.getByRole("button", { name: "Decide and record" }).click();
    await expect
      .poll(() => page.getByTestId("outcome").textContent(), { timeout: 10_000 })
      .toBe("License required");
    expect(await page.locator(".decision .cite a").first().getAttribute("href")).toMatch(/^https:\/\//);
    const href = (await page.getByTestId("record-link").getAttribute("href"))!;
    decisionId = decodeURIComponent(href.split("/").pop()!);
    await shot("decide-1280");

    await page.getByTestId("record-link").click();
    await page.getByRole("heading", { name: "Decision record" }).waitFor();
    await expect.poll(() => page.locator("code.hash").first().textContent()).toMatch(/^[0-9a-f]{64}$/);
    expect(await page.locator("pre.json").textContent()).toContain("Example Cloud Ltd");
    await page.emulateMedia({ media: "print" });
    expect(await page.locator("header.top").isVisible()).toBe(false);
    await shot("record-print");
    await page.emulateMedia({ media: "screen" });

    await goto("/audit");
    await page.locator(`tr[data-record="${decisionId}"]`).waitFor();
    await page.getByLabel("Outcome").selectOption("no-license-required");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect.poll(() => page.locator(`tr[data-record="${decisionId}"]`).count()).toBe(0);
    await page.getByLabel("Outcome").selectOption("license-required");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.locator(`tr[data-record="${decisionId}"]`).waitFor();
    await page.getByRole("button", { name: "Verify the chain" }).click();
    await expect
      .poll(() => page.getByTestId("verify-result").textContent())
      .toMatch(/Chain intact: \d+ records/);
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export" }).click();
    const file = await (await download).path();
    expect(readFileSync(file, "utf8")).toContain(decisionId);
    await shot("audit-1280");
  });

  it("decide: an Affiliates Rule decision from the form (a German operator 60 % owned by Entity-Listed Sugon)", async () => {
    await goto("/decide?chip=nvidia-h100-sxm5-80gb");
    await page.getByLabel("Destination").fill("DE");
    await page.getByLabel("Date").fill("2026-12-06");
    await page.locator("#endUser-name").fill("Rheinland Rechenzentrum GmbH");
    await page.locator("#endUser-country").fill("DE");
    await page.locator("#endUser-hq").fill("DE");
    await page.locator("#endUser-ownership").selectOption("known");
    await page
      .locator("fieldset", { hasText: "End user" })
      .getByRole("button", { name: "Add an owner" })
      .click();
    await page.locator("#endUser-owner-0-name").fill("Sugon");
    await page.locator("#endUser-owner-0-country").fill("CN");
    await page.locator("#endUser-owner-0-share").fill("60");
    await page.getByRole("button", { name: "Decide and record" }).click();
    await expect
      .poll(() => page.getByTestId("outcome").textContent(), { timeout: 10_000 })
      .toBe("License required");
    const decision = page.getByTestId("decision");
    expect(await decision.textContent()).toMatch(/'Sugon' 60 % \(EL el-7790c6e1600b Sugon\)/);
    expect(await page.getByTestId("owners").textContent()).toMatch(
      /Owner Sugon 60 % — listed: .*Sugon \(EL el-7790c6e1600b\)/,
    );
    expect(await decision.textContent()).toContain("No extension of the stay was verified");
    await shot("decide-affiliates");
  });

  it("screening: 华为技术有限公司 finds Huawei, and a CSV upload completes with downloadable results", async () => {
    await goto("/screening");
    await page.getByLabel("Party name").fill("华为技术有限公司");
    await page.getByRole("button", { name: "Screen", exact: true }).click();
    await page.getByTestId("screen-result").waitFor();
    await expect.poll(() => page.getByTestId("hit").first().textContent()).toMatch(/huawei/i);

    const csv = join(dataDir, "parties.csv");
    const names = [
      "Huawei Technologies Co., Ltd.",
      "Acme Widgets GmbH",
      "Rosoboronexport",
      "Example Cloud Ltd",
    ];
    const lines = ["name,country"];
    for (let i = 0; i < 60; i++) lines.push(`"${names[i % names.length]}",${i % 2 ? "DE" : "CN"}`);
    writeFileSync(csv, `${lines.join("\n")}\n`);
    await page.locator("#csv-file").setInputFiles(csv);
    await expect.poll(() => page.getByLabel("Column with the names").inputValue()).toBe("name");
    await page.getByRole("button", { name: "Screen 60 rows" }).click();
    await page.getByTestId("csv-summary").waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("csv-summary").textContent()).toContain("60 rows screened");
    const progress = page.getByTestId("csv-progress");
    expect(await progress.getAttribute("value")).toBe("60");
    expect(await progress.getAttribute("max")).toBe("60");
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download results (CSV)" }).click();
    const out = readFileSync(await (await download).path(), "utf8")
      .trim()
      .split(/\r?\n/);
    expect(out).toHaveLength(61);
    expect(out[1]).toMatch(/Huawei/);
    await shot("screening-1280");
  });

  it("rules timeline and frontier pages", async () => {
    await goto("/rules");
    await expect.poll(() => page.locator("ol.timeline > li").count()).toBeGreaterThanOrEqual(6);
    const text = await page.locator("ol.timeline").textContent();
    for (const d of ["2022-10-07", "2023-11-17", "2024-12-02", "2025-01-13", "2026-01-15"])
      expect(text).toContain(d);
    expect(await page.locator("ol.timeline .cite a").count()).toBeGreaterThan(5);
    await shot("rules-1280");

    await goto("/frontier");
    await expect
      .poll(() => page.locator("#frontier-table tbody tr").count(), { timeout: 20_000 })
      .toBeGreaterThan(5);
    expect(await page.locator(".figure svg").count()).toBeGreaterThan(0);
    await page.getByLabel("Steps for").selectOption("AE");
    await expect.poll(() => page.locator("#frontier-table caption").textContent()).toContain("AE");
    await shot("frontier-1280");
  });

  it("works at 390 px: menu, explorer and decide", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await goto("/");
    await expect
      .poll(() => page.locator("#chip-table tbody tr").count(), { timeout: 15_000 })
      .toBeGreaterThan(50);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(392);
    await shot("explorer-390");
    await page.getByRole("button", { name: "Menu" }).click();
    await page.getByRole("link", { name: "Decide" }).click();
    await page.getByRole("heading", { name: "Decide an export" }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(392);
    await shot("decide-390");
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("roles: a viewer key signs in, sees analyst controls disabled and admin ones hidden; the server refuses anyway", async () => {
    const key = execFileSync(
      process.execPath,
      [
        join(root, "bin", "chipgate"),
        "keys",
        "create",
        "--role",
        "viewer",
        "--name",
        "ui test",
        "--data-dir",
        dataDir,
      ],
      { encoding: "utf8" },
    ).trim();
    expect(key).toMatch(/^cg_/);
    // The server stops serving keyless requests within 2 s of the first key.
    await expect
      .poll(async () => (await fetch(`${baseUrl}/v1/me`)).status, { timeout: 5_000, interval: 250 })
      .toBe(401);
    await goto("/decide");
    await page.getByLabel("API key").waitFor();
    await page.getByLabel("API key").fill("cg_wrong_key");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("not accepted");
    await page.getByLabel("API key").fill(key);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Decide an export" }).waitFor();
    expect(await page.locator(".role").textContent()).toContain("viewer");
    expect(await page.getByRole("button", { name: "Decide and record" }).isDisabled()).toBe(true);
    expect(await page.getByRole("note").textContent()).toContain("viewer");
    await shot("decide-viewer");
    await goto("/audit");
    await page.getByRole("button", { name: "Verify the chain" }).waitFor();
    expect(await page.getByRole("button", { name: "Export" }).count()).toBe(0);
    const status = await page.evaluate(async () => {
      const k = sessionStorage.getItem("chipgate.apiKey");
      const res = await fetch("/v1/screen", {
        method: "POST",
        headers: { authorization: `Bearer ${k}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "Huawei" }),
      });
      return res.status;
    });
    expect(status).toBe(403);
    expect(pageErrors.filter((e) => !/status of (401|403)/.test(e))).toEqual([]);
  });
});
