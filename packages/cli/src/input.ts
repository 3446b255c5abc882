import { decodeDocuments, SignetError } from "@signet/core";

import { describeFsError } from "./cert-source.js";
import type { Io } from "./io.js";

/** The input stream: `-f FILE` or stdin, with its name for error messages. */
export interface Input {
  text: string;
  source: string;
}

/** Reads `-f` (kubeseal's message on failure) or stdin. */
export async function readInput(file: string, io: Io): Promise<Input> {
  if (file === "") return { text: (await io.readStdin()).toString("utf8"), source: "stdin" };
  try {
    return { text: (await io.readFile(file)).toString("utf8"), source: file };
  } catch (cause) {
    throw new SignetError(
      "ERR_IO",
      `Could not read file specified with --secret-file: open ${file}: ${describeFsError(cause)}`,
      { cause },
    );
  }
}

/** Decodes input documents as objects; anything else names the document and the source. */
export function inputObjects(input: Input): Record<string, unknown>[] {
  return decodeDocuments(input.text, input.source).map((doc, i) => {
    if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
      throw new SignetError(
        "ERR_INVALID_INPUT",
        `${input.source}: document ${i + 1} is not a Kubernetes object`,
      );
    }
    return doc as Record<string, unknown>;
  });
}
