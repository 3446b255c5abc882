import { PAGE_FILES } from "../generated/page-files.js";

/** One file of the seal page, embedded at build time (scripts/build-page.mjs). */
export interface PageFile {
  /** Path under the page's base (`index.html`, `app.js`, ...). */
  path: string;
  contentType: string;
  /** Hex SHA-256 of `body`, for tests and integrity checks. */
  sha256: string;
  body: string;
}

/** The page's files, the same bytes whoever serves them. */
export function pageFiles(): readonly PageFile[] {
  return PAGE_FILES satisfies readonly PageFile[];
}

/** The file at `path` under the page's base (`""` is index.html), if the page has one. */
export function pageFile(path: string): PageFile | undefined {
  const name = path === "" ? "index.html" : path;
  return PAGE_FILES.find((f) => f.path === name);
}
