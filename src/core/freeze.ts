// Objects known to be frozen all the way down: deepFreeze's results and everything inside them.
const deeplyFrozen = new WeakSet<object>();

/** Freezes a value and everything it holds; shared values then cannot be changed by one caller for another. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !deeplyFrozen.has(value)) {
    // An object frozen elsewhere may hold unfrozen ones, so its children are visited all the same.
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
    deeplyFrozen.add(value);
  }
  return value;
}

/** Whether `value` came out of deepFreeze (so neither it nor anything it holds can change). */
export function isDeeplyFrozen(value: unknown): boolean {
  return typeof value === "object" && value !== null && deeplyFrozen.has(value);
}
