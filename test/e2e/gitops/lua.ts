/// <reference types="node" />
// Runs Argo CD resource health scripts (health.lua) with a real Lua 5.1 interpreter — Argo CD
// embeds gopher-lua, which implements Lua 5.1 — the way Argo CD does: the live object is a
// global table `obj`, the script's return value is the health status.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export interface HealthStatus {
  status: string;
  /** undefined when the script leaves `message` nil. */
  message: string | undefined;
}

export const LUA = "lua5.1";
/** How CI installs the interpreter on a fresh Debian/Ubuntu machine. */
export const LUA_INSTALL = "apt-get update && apt-get install -y --no-install-recommends lua5.1";

function luaWorks(): boolean {
  const res = spawnSync(LUA, ["-v"], { encoding: "utf8" });
  return res.status === 0;
}

/**
 * Makes sure `lua5.1` is on PATH: installs Debian's package with apt-get when it is missing
 * and we are root (CI on a fresh machine); otherwise fails with the command to run.
 */
export function ensureLua(): void {
  if (luaWorks()) return;
  const canInstall = process.getuid?.() === 0 && existsSync("/usr/bin/apt-get");
  if (canInstall) {
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const res = spawnSync("sh", ["-c", LUA_INSTALL], { encoding: "utf8", env, timeout: 540_000 });
    if (res.status === 0 && luaWorks()) return;
    throw new Error(`installing lua5.1 failed (${LUA_INSTALL}):\n${res.stderr}${res.stdout}`);
  }
  throw new Error(`lua5.1 is missing: run \`${LUA_INSTALL}\` as root`);
}

/** A Lua 5.1 string literal for any JS string (UTF-8 bytes, non-printables as \ddd). */
export function luaString(s: string): string {
  let out = '"';
  for (const byte of Buffer.from(s, "utf8")) {
    const printable = byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c;
    out += printable ? String.fromCharCode(byte) : `\\${byte.toString().padStart(3, "0")}`;
  }
  return `${out}"`;
}

/**
 * Converts a JSON value into a Lua table constructor the way Argo CD hands objects to Lua:
 * objects become tables keyed by field name, arrays 1-based sequences, null/undefined nil.
 */
export function toLua(value: unknown): string {
  if (value === null || value === undefined) return "nil";
  if (typeof value === "string") return luaString(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`cannot convert ${value} to Lua`);
    return String(value);
  }
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) return `{${value.map(toLua).join(", ")}}`;
  if (typeof value === "object") {
    const fields = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => `[${luaString(k)}] = ${toLua(v)}`);
    return `{${fields.join(", ")}}`;
  }
  throw new Error(`cannot convert ${typeof value} to Lua`);
}

/** Runs the health script at `scriptPath` against `obj` with lua5.1. */
export function runHealthScript(scriptPath: string, obj: unknown): HealthStatus {
  const program = [
    `obj = ${toLua(obj)}`,
    `local hs = dofile(${luaString(scriptPath)})`,
    `io.write(tostring(hs.status), "\\n")`,
    `if hs.message ~= nil then io.write("=", hs.message) end`,
  ].join("\n");
  const res = spawnSync(LUA, ["-"], { input: program, encoding: "utf8", timeout: 30_000 });
  if (res.error) throw res.error;
  if (res.status !== 0) throw new Error(`lua5.1 failed on ${scriptPath}:\n${res.stderr}`);
  const nl = res.stdout.indexOf("\n");
  const message = res.stdout.slice(nl + 1);
  return {
    status: res.stdout.slice(0, nl),
    message: message.startsWith("=") ? message.slice(1) : undefined,
  };
}
