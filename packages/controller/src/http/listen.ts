import { createServer } from "node:http";
import type { RequestListener, Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A started HTTP server and how to stop it. */
export interface RunningServer {
  server: Server;
  address: AddressInfo;
  /** Stops accepting, lets in-flight requests finish, then closes idle connections. */
  close(): Promise<void>;
}

export interface ListenOptions {
  host: string | undefined;
  port: number;
  /** `--read-timeout`: whole request and headers (Go ReadTimeout/ReadHeaderTimeout). */
  readTimeoutMs: number;
  /** `--write-timeout`: socket inactivity while answering. */
  writeTimeoutMs: number;
}

/** Starts `handler` on host:port with the reference's read and write timeouts. */
export function startHttpServer(
  handler: RequestListener,
  options: ListenOptions,
): Promise<RunningServer> {
  const server = createServer(
    { requestTimeout: options.readTimeoutMs, headersTimeout: options.readTimeoutMs },
    handler,
  );
  server.setTimeout(options.writeTimeoutMs);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve({
        server,
        address: server.address() as AddressInfo,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}
