import { parentPort, workerData } from "node:worker_threads";
import { screenName } from "../../core/screening/screen.js";
import type { ScreeningOptions, ScreeningQuery } from "../../core/screening/types.js";
import { loadScreeningDataset, type ScreeningDataset } from "./dataset.js";
import { screenedJson } from "./format.js";

// The thread of screen-thread.ts: loads the list as the server does, then answers one query per message.
if (parentPort && workerData?.chipgateScreenThread) {
  const port = parentPort;
  const { dataDir } = workerData as { dataDir: string };
  let dataset: ScreeningDataset | undefined;
  const load = async (): Promise<void> => {
    try {
      dataset = await loadScreeningDataset({ dataDir });
      port.postMessage({ loaded: dataset.version.hash });
    } catch {
      dataset = undefined;
      port.postMessage({ loaded: null });
    }
  };
  port.on(
    "message",
    (m: { reload: true } | { id: number; query: ScreeningQuery; options: ScreeningOptions }) => {
      if ("reload" in m) {
        void load();
        return;
      }
      try {
        if (!dataset) throw new Error("no list loaded");
        const json = JSON.stringify(screenedJson(screenName(dataset.index, m.query, m.options)));
        port.postMessage({ id: m.id, hash: dataset.version.hash, json });
      } catch (error) {
        port.postMessage({ id: m.id, error: String(error) });
      }
    },
  );
  await load();
}
