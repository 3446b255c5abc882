export * from "./strconv.js";
export * from "./duration.js";
export * from "./flag.js";
export * from "./parse.js";
export * from "./usage.js";
