import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "yaml";
import { ChipGateError } from "../core/errors.js";
import { buildRuleBook, type RuleBook, type RuleDataDocument } from "../core/rules/rulebook.js";
import { dataPath } from "./package-info.js";

function kindOf(rel: string): RuleDataDocument["kind"] | undefined {
  if (rel === "sources.yaml") return "sources";
  if (rel === "versions.yaml") return "versions";
  if (rel === "country-groups.yaml") return "country-groups";
  if (rel === "technical-notes.yaml") return "technical-notes";
  if (rel === "licensing.yaml") return "licensing";
  if (rel.startsWith("ccl/")) return "eccn";
  return undefined;
}

function listYaml(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) return listYaml(full);
      return name.endsWith(".yaml") ? [full] : [];
    });
}

/** Reads every YAML file under the rules directory and builds the validated RuleBook. */
export function loadRuleBook(dir: string = dataPath("rules")): RuleBook {
  const hash = createHash("sha256");
  const docs: RuleDataDocument[] = [];
  for (const file of listYaml(dir)) {
    const rel = relative(dir, file).split("\\").join("/");
    const kind = kindOf(rel);
    if (!kind) throw new ChipGateError("RULE_DATA_INVALID", `${file}: not a known rule-data file (${rel})`);
    const text = readFileSync(file, "utf8");
    hash.update(rel).update("\0").update(text).update("\0");
    let data: unknown;
    try {
      data = parse(text, { uniqueKeys: true });
    } catch (error) {
      throw new ChipGateError("RULE_DATA_INVALID", `${file}: YAML syntax error: ${(error as Error).message}`);
    }
    docs.push({ file, kind, data });
  }
  return buildRuleBook(docs, `rules-sha256:${hash.digest("hex").slice(0, 16)}`);
}
