/**
 * Sets `record[key]` as an own, enumerable property. Item and label maps take any key a manifest
 * gives, `__proto__` included (a valid Secret key), which plain assignment would turn into a
 * prototype change and lose.
 */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
