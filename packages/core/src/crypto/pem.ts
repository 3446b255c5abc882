/** One PEM block: its type (`CERTIFICATE`, `RSA PRIVATE KEY`...), whether it has headers, and its text. */
export interface PemBlock {
  type: string;
  hasHeaders: boolean;
  text: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

/** Splits text into PEM blocks, skipping anything between them (as Go's `pem.Decode` loop does). */
export function pemBlocks(input: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of input.matchAll(PEM_BLOCK)) {
    const body = match[2] ?? "";
    blocks.push({ type: match[1] ?? "", hasHeaders: /^[A-Za-z-]+:/m.test(body), text: match[0] });
  }
  return blocks;
}
