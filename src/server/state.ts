import type { DecisionService } from "../node/decision-service.js";
import type { Engine } from "../node/engine.js";
import { ScreenCache, type ScreeningDataset, type ScreenThread } from "../node/screening/index.js";

/** The decision service of src/node/decision-service.ts. */
export type Decider = DecisionService;

/** Everything loaded once at start, swapped as a whole only by a screening-list import. */
export interface LoadedData {
  engine: Engine;
  screening: ScreeningDataset;
  screenCache: ScreenCache;
  decisions: Decider | undefined;
  /** The second thread that screens names the cache does not hold (`/v1/screen`), when there is one. */
  screenThread?: ScreenThread | undefined;
}

export class ServerState {
  data: LoadedData | undefined;
  /** Why data is not loaded, once loading failed. */
  loadError: string | undefined;
  /** Set on shutdown: new requests get 503 and connections are closed after their response. */
  draining = false;

  constructor(readonly screenCacheSize: number) {}

  setData(
    engine: Engine,
    screening: ScreeningDataset,
    decisions?: Decider,
    screenThread?: ScreenThread,
  ): LoadedData {
    this.data = {
      engine,
      screening,
      screenCache: new ScreenCache(this.screenCacheSize),
      decisions,
      screenThread,
    };
    return this.data;
  }

  /** Puts a newly imported list in force; results cached for the old list go with it. */
  swapScreening(screening: ScreeningDataset): void {
    if (!this.data) return;
    this.data = { ...this.data, screening, screenCache: new ScreenCache(this.screenCacheSize) };
    // The thread loads the list now in the data directory; until it has, its answers (for the old list) are
    // not used (see the screening routes).
    this.data.screenThread?.reload();
  }
}
