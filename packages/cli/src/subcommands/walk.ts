import { basename, dirname, isAbsolute, join, relative, sep } from "node:path";

import picomatch from "picomatch";

import { SignetError } from "@signet/core";

import type { Io } from "../io.js";

/** Directories a walk never enters. */
const SKIPPED_DIRECTORIES = new Set([".git", "node_modules"]);
/** Files a walk reads; a file named on the command line is read whatever its name. */
const MANIFEST = /\.(ya?ml|json)$/i;

/** A path the walk did not read, and why (printed as `skipped PATH: reason`). */
export interface Skipped {
  path: string;
  reason: string;
}

const NOT_REGULAR = "not a regular file (FIFO, socket or device), not read";

/** How lint walks differently from reseal and inspect. */
export interface WalkOptions {
  /**
   * Walk a Helm chart's `templates` directory like any other (lint: a literal Secret there is
   * committed all the same) instead of skipping it as a whole.
   */
  readHelmTemplates?: boolean;
  /**
   * Report each skipped `.git` and `node_modules` directory and each FIFO, socket or device
   * named like a manifest, a PATH too (lint: every skip is visible, nothing blocks).
   */
  announceSkippedDirectories?: boolean;
  /**
   * Follow a symbolic link only when its target lies inside the PATH argument it was found
   * under (reseal, which rewrites files: a link committed to a repository must not make it
   * rewrite a file elsewhere on the machine). Links that leave are skipped and reported.
   */
  confineLinks?: boolean;
}

export interface Walked {
  /** Files to read, in command-line order, each real file once. */
  files: string[];
  skipped: Skipped[];
}

/**
 * The files named by `paths`, in command-line order, with directories walked depth-first in
 * name order. Symbolic links are followed (like `find -L`): a linked file or directory is read
 * under the link's name unless the same real file or directory is already part of the walk, and
 * a link back into a directory being walked (a loop), a dangling link or one that loops on
 * itself is skipped and reported. Linked directories are walked after the real ones, so files
 * are named by their real path when the walk also reaches it. The templates of a Helm chart (a
 * `templates` directory next to `Chart.yaml`) are skipped and reported as a whole. Paths
 * matching an `exclude` glob are left out silently. A missing path is an error naming it.
 */
export async function collectFiles(
  paths: readonly string[],
  io: Io,
  exclude: readonly string[] = [],
  options: WalkOptions = {},
): Promise<Walked> {
  const walk = new Walk(io, excluder(exclude), options);
  for (const path of paths) await walk.root(path);
  await walk.followLinks();
  return { files: walk.files, skipped: walk.skipped };
}

/** Tells whether a path (found under `root`) is excluded by one of the globs. */
type Excluder = (path: string, root: string) => boolean;

/**
 * `--exclude` globs (picomatch syntax, dot files included): a pattern without `/` matches the
 * name of a file or directory at any depth (`*.tmpl.yaml`, `charts`); one with `/` matches the
 * path relative to the PATH argument it was found under, or the path as given (`apps/*\/old/**`).
 */
export function excluder(patterns: readonly string[]): Excluder {
  const byName = patterns.filter((p) => !p.includes("/"));
  const byPath = patterns.filter((p) => p.includes("/")).map((p) => p.replace(/^\.\//, ""));
  const name = byName.length > 0 ? picomatch(byName, { dot: true }) : () => false;
  const path = byPath.length > 0 ? picomatch(byPath, { dot: true }) : () => false;
  return (p, root) => {
    const clean = p.replace(/^\.\//, "");
    const rel = relative(root, p);
    return name(basename(p)) || path(clean) || (rel !== "" && !rel.startsWith("..") && path(rel));
  };
}

interface PendingLink {
  path: string;
  root: string;
  /** Real paths of the directories the link was found in (a link to one of them is a loop). */
  ancestors: readonly string[];
}

class Walk {
  readonly files: string[] = [];
  readonly skipped: Skipped[] = [];
  /** Real path → the path it was first reached by. */
  private readonly seenFiles = new Map<string, string>();
  private readonly seenDirectories = new Map<string, string>();
  private readonly links: PendingLink[] = [];
  private readonly io: Io;
  private readonly excluded: Excluder;
  private readonly options: WalkOptions;

  constructor(io: Io, excluded: Excluder, options: WalkOptions) {
    this.io = io;
    this.excluded = excluded;
    this.options = options;
  }

  private async isHelmTemplate(path: string): Promise<boolean> {
    return !this.options.readHelmTemplates && (await isHelmTemplate(path, this.io));
  }

  /** A walked entry that is not a directory: a manifest file is read, a FIFO... reported. */
  private async leaf(path: string, kind: "file" | "other"): Promise<void> {
    if (!MANIFEST.test(basename(path))) return;
    if (kind === "file") await this.file(path);
    else this.notRegular(path);
  }

  /** A FIFO, socket or device named like a manifest: never read (a FIFO would block), and with
   * lint's option reported. */
  private notRegular(path: string): void {
    if (this.options.announceSkippedDirectories) this.skipped.push({ path, reason: NOT_REGULAR });
  }

  private skippedDirectory(path: string): void {
    if (this.options.announceSkippedDirectories) {
      this.skipped.push({ path, reason: `${basename(path)} directory (not walked)` });
    }
  }

  async root(path: string): Promise<void> {
    const kind = await this.io.pathKind(path).catch((err: unknown) => {
      throw new SignetError("ERR_IO", `${path}: ${linkError(err)}`, { cause: err });
    });
    if (kind === "missing") throw new SignetError("ERR_IO", `${path}: no such file or directory`);
    if (this.excluded(path, path)) return;
    if (kind === "directory" && (await this.isHelmTemplate(join(path, "-")))) {
      return this.helmTemplates(path, path);
    }
    if (kind === "directory") return this.directory(path, path, []);
    if (await this.isHelmTemplate(path)) {
      return void this.skipped.push({ path, reason: "Helm chart template (not rendered)" });
    }
    if (kind === "other" && this.options.announceSkippedDirectories) {
      return void this.skipped.push({ path, reason: NOT_REGULAR });
    }
    await this.file(path);
  }

  /** Walks linked directories (and any links found in them) once the real tree is done. */
  async followLinks(): Promise<void> {
    for (let link = this.links.shift(); link; link = this.links.shift()) await this.link(link);
  }

  private async file(path: string): Promise<void> {
    // A path with no real path to resolve (`inspect <(cmd)`: /dev/fd/N names a pipe) is itself.
    const real = await this.io.realPath(path).catch(() => path);
    const first = this.seenFiles.get(real);
    if (first === undefined) {
      this.seenFiles.set(real, path);
      this.files.push(path);
    } else if (first !== path) {
      this.skipped.push({ path, reason: `same file as ${first} (symbolic link), read once` });
    }
  }

  private async directory(dir: string, root: string, ancestors: readonly string[]): Promise<void> {
    const real = await this.io.realPath(dir);
    const chain = [...ancestors, real];
    this.seenDirectories.set(real, dir);
    const entries = await this.io.readDirectory(dir);
    const chart =
      !this.options.readHelmTemplates &&
      entries.some((e) => e.name === "Chart.yaml" && e.kind !== "directory");
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (this.excluded(path, root)) continue;
      if (entry.kind === "symlink") this.links.push({ path, root, ancestors: chain });
      else if (entry.kind !== "directory") await this.leaf(path, entry.kind);
      else if (SKIPPED_DIRECTORIES.has(entry.name)) this.skippedDirectory(path);
      else if (chart && entry.name === "templates") await this.helmTemplates(path, root);
      else await this.directory(path, root, chain);
    }
  }

  private async link({ path, root, ancestors }: PendingLink): Promise<void> {
    let kind;
    try {
      kind = await this.io.pathKind(path);
    } catch (err) {
      return void this.skipped.push({ path, reason: `${linkError(err)}, skipped` });
    }
    if (await this.leaves(path, root, kind)) return;
    if (kind === "file" || kind === "other") return this.leaf(path, kind);
    if (kind === "missing" && MANIFEST.test(path)) {
      return void this.skipped.push({ path, reason: "dangling symbolic link (target missing)" });
    }
    if (kind !== "directory") return;
    if (SKIPPED_DIRECTORIES.has(basename(path))) return this.skippedDirectory(path);
    const real = await this.io.realPath(path);
    if (ancestors.includes(real)) {
      const reason = `symbolic link loop (to ${this.seenDirectories.get(real) ?? real}, which contains it), not followed`;
      return void this.skipped.push({ path, reason });
    }
    const first = this.seenDirectories.get(real);
    if (first !== undefined) {
      return void this.skipped.push({
        path,
        reason: `same directory as ${first} (symbolic link), read once`,
      });
    }
    await this.directory(path, root, ancestors);
  }

  /**
   * With `confineLinks`, whether the link at `path` leaves its PATH argument `root` (then it is
   * reported, when it names a directory or a manifest, and not followed).
   */
  private async leaves(path: string, root: string, kind: string): Promise<boolean> {
    if (!this.options.confineLinks || kind === "missing" || (await this.inside(path, root))) {
      return false;
    }
    if (kind === "directory" || MANIFEST.test(path)) {
      this.skipped.push({ path, reason: `symbolic link out of ${root}, not followed` });
    }
    return true;
  }

  /** Whether the real path of `path` lies inside the real path of `root`. */
  private async inside(path: string, root: string): Promise<boolean> {
    const [real, top] = await Promise.all([this.io.realPath(path), this.io.realPath(root)]);
    const rel = relative(top, real);
    return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
  }

  /** A chart's templates are Go templates: reported once as a whole, never parsed. */
  private async helmTemplates(dir: string, root: string): Promise<void> {
    const count = await this.countManifests(dir, root);
    const files = `${count} file${count === 1 ? "" : "s"}`;
    this.skipped.push({ path: dir, reason: `Helm chart templates (${files}, not rendered)` });
  }

  private async countManifests(dir: string, root: string): Promise<number> {
    let count = 0;
    for (const entry of await this.io.readDirectory(dir)) {
      const path = join(dir, entry.name);
      if (this.excluded(path, root)) continue;
      if (entry.kind === "directory") count += await this.countManifests(path, root);
      else if (MANIFEST.test(entry.name)) count++;
    }
    return count;
  }
}

/** True when `path` lies under the `templates` directory of a Helm chart. */
async function isHelmTemplate(path: string, io: Io): Promise<boolean> {
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    if (basename(dir) !== "templates") continue;
    if ((await io.pathKind(join(dirname(dir), "Chart.yaml"))) === "file") return true;
  }
  return false;
}

function linkError(err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === "ELOOP") return "symbolic link loop (too many levels of symbolic links)";
  throw err;
}
