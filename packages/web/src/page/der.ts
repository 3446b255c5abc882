/**
 * A reader for the DER subset an X.509 certificate uses (ITU-T X.690): definite lengths only,
 * low tag numbers only. It exists so the page can read a certificate without a 175 kB X.509
 * library; what it extracts is checked against OpenSSL (node:crypto `X509Certificate`) on a
 * generated corpus in `certificate.test.ts`.
 */

/** One DER element: its identifier octet and where its content lies in `source`. */
export interface DerElement {
  /** The whole identifier octet (class, constructed bit and tag number). */
  tag: number;
  source: Uint8Array<ArrayBuffer>;
  /** Offset of the first identifier octet. */
  start: number;
  /** Offset of the first content octet. */
  contentStart: number;
  /** Offset just past the last content octet. */
  end: number;
}

/** Tags the certificate reader looks for. */
export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
  /** `[0] EXPLICIT`, the certificate version. */
  CONTEXT_0: 0xa0,
} as const;

/** Thrown for bytes that are not the DER this reader understands. */
export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DerError";
  }
}

/** Reads the element starting at `offset`, which must end at or before `limit`. */
export function readElement(
  source: Uint8Array<ArrayBuffer>,
  offset: number,
  limit = source.length,
): DerElement {
  if (offset + 2 > limit) throw new DerError("truncated DER element");
  const tag = source[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError("high tag numbers are not supported");
  let length = source[offset + 1]!;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0) throw new DerError("indefinite length is not DER");
    if (octets > 4) throw new DerError("DER length too large");
    if (contentStart + octets > limit) throw new DerError("truncated DER length");
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + source[contentStart + i]!;
    contentStart += octets;
  }
  const end = contentStart + length;
  if (end > limit) throw new DerError("DER element runs past its container");
  return { tag, source, start: offset, contentStart, end };
}

/** The elements inside a constructed element, in order. */
export function children(element: DerElement): DerElement[] {
  const out: DerElement[] = [];
  let offset = element.contentStart;
  while (offset < element.end) {
    const child = readElement(element.source, offset, element.end);
    out.push(child);
    offset = child.end;
  }
  return out;
}

/** The element's content octets. */
export function content(element: DerElement): Uint8Array<ArrayBuffer> {
  return element.source.subarray(element.contentStart, element.end);
}

/** The element's whole encoding (identifier, length and content). */
export function encoding(element: DerElement): Uint8Array<ArrayBuffer> {
  return element.source.subarray(element.start, element.end);
}

/** Fails unless `element` has tag `tag`; `what` names it in the message. */
export function expectTag(element: DerElement | undefined, tag: number, what: string): DerElement {
  if (element === undefined || element.tag !== tag) throw new DerError(`malformed ${what}`);
  return element;
}

/** Fails when a required element is missing; `what` names it in the message. */
export function present(element: DerElement | undefined, what: string): DerElement {
  if (element === undefined) throw new DerError(`malformed ${what}`);
  return element;
}

/** Dotted text of an OBJECT IDENTIFIER's content. */
export function oidText(bytes: Uint8Array): string {
  const arcs: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(value);
      value = 0;
    }
  }
  const first = arcs.shift() ?? 0;
  const top = first < 80 ? Math.floor(first / 40) : 2;
  return [top, first - top * 40, ...arcs].join(".");
}

/** An INTEGER's magnitude without redundant leading zero octets (certificates hold positive ones). */
export function unsignedMagnitude(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.subarray(start);
}

/** UTCTime (`YYMMDDHHMMSSZ`, 1950–2049) or GeneralizedTime (`YYYYMMDDHHMMSSZ`) as a Date. */
export function derTime(element: DerElement): Date {
  const text = new TextDecoder("latin1").decode(content(element));
  const utc = element.tag === TAG.UTC_TIME;
  const match = (utc ? /^(\d{2})(\d{10})Z$/ : /^(\d{4})(\d{10})(?:\.\d+)?Z$/).exec(text);
  if (!match || (element.tag !== TAG.UTC_TIME && element.tag !== TAG.GENERALIZED_TIME)) {
    throw new DerError("malformed validity time");
  }
  let year = Number(match[1]);
  if (utc) year += year < 50 ? 2000 : 1900;
  const [mo, d, h, mi, s] = match[2]!.match(/\d{2}/g)!.map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  return new Date(Date.UTC(year, mo - 1, d, h, mi, s));
}

/** The text of a DirectoryString-like value (UTF8, Printable, IA5, T61, BMP, Universal). */
export function derString(element: DerElement): string {
  const bytes = content(element);
  switch (element.tag) {
    case TAG.BMP_STRING:
      return utf16be(bytes);
    case TAG.UNIVERSAL_STRING:
      return utf32be(bytes);
    case TAG.T61_STRING:
      return new TextDecoder("latin1").decode(bytes);
    default:
      return new TextDecoder().decode(bytes);
  }
}

function utf16be(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    out += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
  }
  return out;
}

function utf32be(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const code = ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8)) + bytes[i + 3]!;
    out += String.fromCodePoint(code >>> 0);
  }
  return out;
}
