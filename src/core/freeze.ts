// Plain data (objects and arrays of them, and primitives) frozen all the way down by deepFreeze.
const deeplyFrozen = new WeakSet<object>();

/**
 * Freezes a value and everything it holds; shared values then cannot be changed by one caller for another.
 * Only plain objects and arrays are remembered as deeply frozen (`isDeeplyFrozen`): a frozen Date or Map can
 * still change, and a value holding one is frozen but not remembered.
 */
export function deepFreeze<T>(value: T): T {
  freeze(value);
  return value;
}

/** Whether `value` is plain data that deepFreeze froze, so neither it nor anything it holds can change. */
export function isDeeplyFrozen(value: unknown): boolean {
  return typeof value === "object" && value !== null && deeplyFrozen.has(value);
}

/** Freezes `value` and what it holds; returns whether it is plain data, frozen all the way down. */
function freeze(value: unknown): boolean {
  if (typeof value === "function") {
    Object.freeze(value);
    return false;
  }
  if (typeof value !== "object" || value === null) return true;
  if (deeplyFrozen.has(value)) return true;
  // Remembered before its children are visited, so that a cycle ends here; forgotten if it is not plain.
  deeplyFrozen.add(value);
  Object.freeze(value);
  const proto = Object.getPrototypeOf(value);
  let plain = proto === Object.prototype || proto === Array.prototype || proto === null;
  for (const v of Object.values(value)) plain = freeze(v) && plain;
  if (!plain) deeplyFrozen.delete(value);
  return plain;
}
