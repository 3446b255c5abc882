import type { IncomingMessage, ServerResponse } from "node:http";

import { servePage } from "@signet/web";

/**
 * `--web-ui`: the seal page (@signet/web) under `/ui/`, next to `/v1/cert.pem`, which the page
 * fetches as `../v1/cert.pem`. The page seals in the browser; its routes answer GET and HEAD
 * only (405 otherwise, before any body is read), so nothing here receives a plaintext. Off by
 * default: `/ui/` is then a 404 like any unknown path. Returns false for a path outside the page.
 */
export function serveWebUi(req: IncomingMessage, res: ServerResponse): boolean {
  return servePage(req, res);
}
