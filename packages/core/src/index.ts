export * from "./errors.js";
export * from "./template/index.js";
