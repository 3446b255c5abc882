import type { IncomingMessage } from "node:http";
import type { Duplex, Readable } from "node:stream";
import * as zlib from "node:zlib";

/** A body that could not be read: `status` is the HTTP status to answer with. */
export class BodyError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

type Decompressor = () => Duplex;

const DECOMPRESSORS: Readonly<Record<string, Decompressor>> = {
  deflate: () => zlib.createInflate(),
  gzip: () => zlib.createGunzip(),
  br: () => zlib.createBrotliDecompress(),
  ...("createZstdDecompress" in zlib && {
    zstd: (zlib as unknown as { createZstdDecompress: Decompressor }).createZstdDecompress,
  }),
};

/**
 * Reads a request's body as bytes, at most `limit` of them after decompression, the way the API
 * read bodies with express's raw body parser (which it replaced): `Content-Encoding` gzip,
 * deflate and br (and zstd where Node.js has it) are inflated, another encoding is a 415; a
 * declared or actual size over the limit is a 413, a short or aborted body a 400. After an
 * error the rest of the request is read off before the caller answers. A request without a body
 * (neither `Content-Length` nor `Transfer-Encoding`) reads as empty.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  if (isFinished(req) || !hasBody(req)) return Buffer.alloc(0);
  const encoding = (req.headers["content-encoding"] ?? "identity").toLowerCase();
  let inflater: Duplex | undefined;
  let length: number | undefined;
  if (encoding === "identity") {
    const declared = req.headers["content-length"];
    length = declared === undefined || isNaN(Number(declared)) ? undefined : parseInt(declared, 10);
  } else {
    const create = DECOMPRESSORS[encoding];
    if (create === undefined) {
      throw new BodyError(415, `unsupported content encoding "${encoding}"`);
    }
    inflater = req.pipe(create());
  }
  const stream: Readable = inflater ?? req;
  const detach = (): void => {
    if (inflater === undefined) return;
    req.unpipe(inflater);
    inflater.on("error", () => {});
    inflater.destroy();
  };
  let body: Buffer;
  try {
    body = await collect(stream, req, length, limit);
  } catch (err) {
    detach();
    await readOff(req);
    throw err;
  }
  detach();
  // What a decompressor did not need is read off, so the request can finish.
  if (inflater !== undefined) req.resume();
  return body;
}

function collect(
  stream: Readable,
  req: IncomingMessage,
  length: number | undefined,
  limit: number,
): Promise<Buffer> {
  if (length !== undefined && length > limit) {
    stream.pause();
    return Promise.reject(new BodyError(413, "request entity too large"));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const done = (err: BodyError | undefined): void => {
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onError);
      req.off("aborted", onAborted);
      req.off("close", onClose);
      if (err === undefined) return resolve(Buffer.concat(chunks, received));
      stream.pause();
      reject(err);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limit) return done(new BodyError(413, "request entity too large"));
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      if (length !== undefined && received !== length) {
        return done(new BodyError(400, "request size did not match content length"));
      }
      done(undefined);
    };
    const onError = (err: Error): void => done(new BodyError(400, err.message));
    const onAborted = (): void => done(new BodyError(400, "request aborted"));
    const onClose = (): void => {
      if (!req.complete) onAborted();
    };
    stream.on("data", onData);
    stream.on("end", onEnd);
    stream.on("error", onError);
    req.on("aborted", onAborted);
    req.on("close", onClose);
  });
}

/** Whether the request says it has a body (as express read it: a length or a transfer coding). */
function hasBody(req: IncomingMessage): boolean {
  return (
    req.headers["transfer-encoding"] !== undefined || !isNaN(Number(req.headers["content-length"]))
  );
}

function isFinished(req: IncomingMessage): boolean {
  return !req.socket || !req.socket.readable || (req.complete && !req.readable);
}

/** Reads and drops the rest of the request (so the answer is not a reset connection). */
function readOff(req: IncomingMessage): Promise<void> {
  if (isFinished(req)) return Promise.resolve();
  return new Promise((resolve) => {
    const finish = (): void => {
      req.off("end", finish);
      req.off("close", finish);
      resolve();
    };
    req.on("end", finish);
    req.on("close", finish);
    req.resume();
  });
}
