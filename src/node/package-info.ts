import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository (or installed package) root, found by walking up to package.json. */
export const packageRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "data"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("chipgate: cannot find the package root (package.json beside data/)");
    dir = parent;
  }
})();

export const engineVersion: string = (
  JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as { version: string }
).version;

/** Path of a bundled data file, e.g. dataPath("rules"). */
export function dataPath(...parts: string[]): string {
  return join(packageRoot, "data", ...parts);
}
