import { describe, expect, it } from "vitest";

import { memoryIo } from "../test-support/memory-io.js";
import { collectFiles } from "./walk.js";

const Y = "kind: X\n";

describe("walking PATH arguments", () => {
  it("walks directories in name order, skips .git and node_modules and non-manifest names", async () => {
    const io = memoryIo({
      files: {
        "r/b.yaml": Y,
        "r/a/z.yml": Y,
        "r/a/y.JSON": Y,
        "r/notes.txt": Y,
        "r/.git/x.yaml": Y,
        "r/node_modules/p/x.yaml": Y,
        "named.txt": Y,
      },
    });
    expect(await collectFiles(["r", "named.txt", "r/b.yaml"], io)).toEqual({
      files: ["r/a/y.JSON", "r/a/z.yml", "r/b.yaml", "named.txt"],
      skipped: [],
    });
  });

  it("follows symbolic links to files and directories, naming files by their real path when it is walked too", async () => {
    const io = memoryIo({
      files: { "r/real/a.yaml": Y, "outside/o.yaml": Y },
      links: {
        "r/alias.yaml": "real/a.yaml",
        "r/a-link": "real",
        "r/ext": "../outside",
      },
    });
    expect(await collectFiles(["r"], io)).toEqual({
      files: ["r/real/a.yaml", "r/ext/o.yaml"],
      skipped: [
        { path: "r/a-link", reason: "same directory as r/real (symbolic link), read once" },
        { path: "r/alias.yaml", reason: "same file as r/real/a.yaml (symbolic link), read once" },
      ],
    });
  });

  it("with confineLinks follows a link only inside its PATH: a file or directory outside is reported, not read", async () => {
    const io = memoryIo({
      files: { "r/real/a.yaml": Y, "outside/o.yaml": Y, "outside/d/x.yaml": Y },
      links: {
        "r/alias.yaml": "real/a.yaml",
        "r/in-dir": "real",
        "r/out.yaml": "../outside/o.yaml",
        "r/out-dir": "../outside/d",
        "r/real/up.yaml": "../../outside/o.yaml",
      },
    });
    expect(await collectFiles(["r"], io, [], { confineLinks: true })).toEqual({
      files: ["r/real/a.yaml"],
      skipped: [
        { path: "r/alias.yaml", reason: "same file as r/real/a.yaml (symbolic link), read once" },
        { path: "r/in-dir", reason: "same directory as r/real (symbolic link), read once" },
        { path: "r/out-dir", reason: "symbolic link out of r, not followed" },
        { path: "r/out.yaml", reason: "symbolic link out of r, not followed" },
        { path: "r/real/up.yaml", reason: "symbolic link out of r, not followed" },
      ],
    });
    // Named as a PATH, the file outside is read (the user asked for it).
    expect((await collectFiles(["outside/o.yaml"], io, [], { confineLinks: true })).files).toEqual([
      "outside/o.yaml",
    ]);
  });

  it("reports link loops, self-referencing links and dangling links instead of following them", async () => {
    const io = memoryIo({
      files: { "r/d/a.yaml": Y },
      links: {
        "r/d/up": "..",
        "r/self.yaml": "self.yaml",
        "r/gone.yaml": "missing.yaml",
        "r/gone-dir": "missing",
      },
    });
    const walked = await collectFiles(["r"], io);
    expect(walked.files).toEqual(["r/d/a.yaml"]);
    expect(walked.skipped).toEqual([
      { path: "r/d/up", reason: "symbolic link loop (to r, which contains it), not followed" },
      { path: "r/gone.yaml", reason: "dangling symbolic link (target missing)" },
      {
        path: "r/self.yaml",
        reason: "symbolic link loop (too many levels of symbolic links), skipped",
      },
    ]);
  });

  it("skips a Helm chart's templates as a whole, and a template named on the command line", async () => {
    const io = memoryIo({
      files: {
        "r/chart/Chart.yaml": "name: c\n",
        "r/chart/values.yaml": Y,
        "r/chart/templates/secret.yaml": "{{- if .Values.x }}\n",
        "r/chart/templates/sub/more.yaml": Y,
        "r/chart/templates/NOTES.txt": "",
        "r/templates/not-a-chart.yaml": Y,
      },
    });
    expect(await collectFiles(["r", "r/chart/templates/secret.yaml"], io)).toEqual({
      files: ["r/chart/Chart.yaml", "r/chart/values.yaml", "r/templates/not-a-chart.yaml"],
      skipped: [
        { path: "r/chart/templates", reason: "Helm chart templates (2 files, not rendered)" },
        { path: "r/chart/templates/secret.yaml", reason: "Helm chart template (not rendered)" },
      ],
    });
    expect((await collectFiles(["r/chart/templates"], io)).skipped).toEqual([
      { path: "r/chart/templates", reason: "Helm chart templates (2 files, not rendered)" },
    ]);
  });

  it.each([
    ["a name glob at any depth", ["*.tmpl.yaml"], ["r/a/keep.yaml", "r/b/keep.yaml"]],
    ["a directory name", ["b"], ["r/a/keep.yaml", "r/a/x.tmpl.yaml"]],
    ["a path under the PATH argument", ["a/*.yaml"], ["r/b/keep.yaml", "r/b/x.tmpl.yaml"]],
    ["a path as given", ["r/b/**"], ["r/a/keep.yaml", "r/a/x.tmpl.yaml"]],
    ["a ./ path", ["./r/a/keep.yaml"], ["r/a/x.tmpl.yaml", "r/b/keep.yaml", "r/b/x.tmpl.yaml"]],
    ["two globs", ["b", "*.tmpl.yaml"], ["r/a/keep.yaml"]],
  ])("--exclude leaves out %s", async (_what, exclude, files) => {
    const io = memoryIo({
      files: {
        "r/a/keep.yaml": Y,
        "r/a/x.tmpl.yaml": Y,
        "r/b/keep.yaml": Y,
        "r/b/x.tmpl.yaml": Y,
      },
    });
    expect((await collectFiles(["r"], io, exclude)).files).toEqual(files);
  });

  it("names a missing path", async () => {
    await expect(collectFiles(["nope"], memoryIo({}))).rejects.toThrow(
      /^nope: no such file or directory$/,
    );
  });
});
