/**
 * Appends every item to `target`. `target.push(...items)` passes each item as an argument, and V8
 * throws `RangeError: Maximum call stack size exceeded` past about 100,000 of them: a list that
 * long is an ordinary (if large) manifest, so collections of input size are appended this way.
 */
export function appendAll<T>(target: T[], items: Iterable<T>): void {
  for (const item of items) target.push(item);
}

/** The largest of `values` (`-Infinity` for none), without spreading them into arguments. */
export function maxOf(values: Iterable<number>): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  return max;
}

/** The smallest of `values` (`Infinity` for none), without spreading them into arguments. */
export function minOf(values: Iterable<number>): number {
  let min = Infinity;
  for (const v of values) if (v < min) min = v;
  return min;
}
