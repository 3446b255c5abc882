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

/**
 * Whether an object has no own enumerable property, without listing its keys (a map of 88,000
 * values is asked only for its first).
 */
export function hasNoOwnKeys(value: object): boolean {
  for (const key in value) if (Object.hasOwn(value, key)) return false;
  return true;
}

/**
 * Orders strings as Go compares them (by UTF-8 bytes, i.e. by code point), which is how
 * encoding/json sorts map keys. UTF-16 code units disagree only between a surrogate (a character
 * above U+FFFF) and U+E000..U+FFFF: surrogates are moved above that range before comparing.
 */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  return unit >= 0xe000 ? unit - 0x800 : unit;
}

/**
 * Whether JavaScript lists `key` before every other property of an object whatever the order
 * of insertion (an array index: "0", "9", "10"): an object holding one cannot keep a Go map's
 * sorted order by itself.
 */
export function isArrayIndexKey(key: string): boolean {
  return /^(0|[1-9][0-9]{0,9})$/.test(key) && Number(key) < 2 ** 32 - 1;
}
