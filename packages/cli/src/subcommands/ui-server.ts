import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A listening loopback server of `signet ui`. */
export interface RunningUiServer {
  /** The port it listens on (the chosen one when 0 was asked for). */
  port: number;
  close(): Promise<void>;
}

/** The side effects of `signet ui`, as a narrow port: listening, and waiting to be stopped. */
export interface UiServerPort {
  /** Listens on 127.0.0.1:`port` (0: any free port); rejects with the socket error. */
  listen(
    handler: (req: IncomingMessage, res: ServerResponse) => void,
    port: number,
  ): Promise<RunningUiServer>;
  /** Resolves when the user stops the server (Ctrl-C, SIGTERM). */
  untilStopped(): Promise<void>;
}

/** The real port: node:http on the loopback interface, stopped by SIGINT or SIGTERM. */
export const nodeUiServer: UiServerPort = {
  listen: (handler, port) =>
    new Promise((resolve, reject) => {
      const server = createServer(handler);
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve({
          port: (server.address() as AddressInfo).port,
          close: () =>
            new Promise<void>((done) => {
              server.close(() => done());
              server.closeAllConnections();
            }),
        });
      });
    }),
  untilStopped: () =>
    new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        resolve();
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    }),
};
