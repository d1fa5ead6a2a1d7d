/** Longest stretch a long piece of work on a server's thread runs before letting other requests through. */
const SLICE_MS = 8;

/**
 * For long work on the server's thread (verifying the trail, screening a batch): `pause()` returns undefined
 * until the current slice has run `SLICE_MS`, then a promise that resolves after one turn of the event loop,
 * so requests keep being answered however long the work is. Slicing by time rather than by count keeps the
 * pauses short whatever each step costs.
 */
export function timeSlices(): { pause(): Promise<void> | undefined } {
  let sliceStart = performance.now();
  return {
    pause() {
      if (performance.now() - sliceStart < SLICE_MS) return undefined;
      return new Promise<void>((resolve) =>
        setImmediate(() => {
          sliceStart = performance.now();
          resolve();
        }),
      );
    },
  };
}
