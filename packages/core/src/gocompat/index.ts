export * from "./strconv.js";
export * from "./duration.js";
export * from "./flag.js";
export * from "./parse.js";
export * from "./usage.js";
export * from "./rfc1123z.js";
