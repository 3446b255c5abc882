export { createUiServerHandler, PAGE_BASE, servePage } from "./server/handler.js";
export type { UiServerOptions } from "./server/handler.js";
export { CONTENT_SECURITY_POLICY, PAGE_HEADERS } from "./server/headers.js";
export { pageFile, pageFiles } from "./server/page-files.js";
export type { PageFile } from "./server/page-files.js";
