/**
 * Least-recently-used results per (name, country, address, result controls) for one screening list. Orders and customers
 * recur, and a result depends only on the query and the list, so a repeat is answered without scoring.
 * A new list gets a new cache (ServerState.swapScreening; the decision service keeps one per list).
 */
export class ScreenCache {
  private readonly map = new Map<string, unknown>();

  constructor(readonly capacity: number) {}

  /** `controls` names the result controls (limit, minScore, lists) the result was made with, if any. */
  key(name: string, country: string | undefined, address: string | undefined, controls = ""): string {
    return `${name}\u0000${country ?? ""}\u0000${address ?? ""}\u0000${controls}`;
  }

  get(key: string): unknown {
    if (this.capacity <= 0) return undefined;
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, value: unknown): void {
    if (this.capacity <= 0) return;
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
  }
}
