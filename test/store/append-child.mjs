// Appends decisions to an audit trail from a separate process, printing "ack <seq> <id>" for each one only
// after append() resolved (i.e. after its commit). Used by the crash and concurrency tests; runs against the
// built dist/ because the tests run after `npm run build`.
// Usage: node append-child.mjs '<openAuditStore options JSON>' <count|forever> <in-flight> <tag>
import { openAuditStore } from "../../dist/src/store/index.js";

const [optionsJson, countArg, inFlightArg, tag] = process.argv.slice(2);
const store = await openAuditStore(JSON.parse(optionsJson));
const count = countArg === "forever" ? Number.POSITIVE_INFINITY : Number(countArg);
const inFlight = Number(inFlightArg);
let next = 0;

async function worker() {
  while (next < count) {
    const n = next++;
    const record = await store.append({
      kind: "decision",
      actor: `child:${tag}`,
      input: { n, tag, chip: "H100" },
      output: { outcome: "license-required", n },
      outcome: "license-required",
      versions: { engine: "test", ruleData: "r", screeningData: "s" },
    });
    process.stdout.write(`ack ${record.seq} ${record.id}\n`);
  }
}

try {
  await Promise.all(Array.from({ length: inFlight }, worker));
  await store.close();
  process.stdout.write("done\n");
} catch (error) {
  process.stderr.write(`append-child ${tag}: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
}
