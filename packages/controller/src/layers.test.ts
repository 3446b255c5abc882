import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

// The controller's folders are layers: `ports/` (interfaces and the vocabulary they speak) on the
// ground floor, the adapters and the loop above it, the composition root (`app/`, entered from
// `main.ts`) on top. These tests read the import statements of the sources, so a change that
// makes a lower folder reach up fails here, not in a later review.

const SRC = dirname(fileURLToPath(import.meta.url));

/** Every source file (tests and test support left out), relative to src/. */
function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "test-support" ? [] : sources(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")
      ? [relative(SRC, path)]
      : [];
  });
}

/** The package files `file` imports (relative specifiers only), relative to src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), "utf8");
  return [...text.matchAll(/from "(\.{1,2}\/[^"]+)\.js"/g)].map((m) =>
    relative(SRC, join(SRC, dirname(file), `${m[1]}.ts`)),
  );
}

const folderOf = (file: string): string => (file.includes("/") ? file.split("/")[0]! : "");

const GRAPH = new Map(sources().map((file) => [file, importsOf(file)]));

/** Edges `from -> to` between files of different folders matching the predicates. */
function crossings(from: (folder: string) => boolean, to: (folder: string) => boolean): string[] {
  return [...GRAPH].flatMap(([file, deps]) =>
    deps
      .filter((dep) => folderOf(dep) !== folderOf(file))
      .filter((dep) => from(folderOf(file)) && to(folderOf(dep)))
      .map((dep) => `${file} -> ${dep}`),
  );
}

describe("the controller's layers", () => {
  it("reads a graph of the real sources", () => {
    expect(GRAPH.size).toBeGreaterThan(50);
    expect(GRAPH.get("app/app.ts")).toContain("kube/informer.ts");
  });

  it("keeps ports/ on the ground floor: it imports nothing from the package", () => {
    expect(
      crossings(
        (f) => f === "ports",
        () => true,
      ),
    ).toEqual([]);
  });

  it("lets only main.ts enter the composition root (app/)", () => {
    const entering = crossings(
      (f) => f !== "app",
      (f) => f === "app",
    ).filter((edge) => !edge.startsWith("main.ts -> "));
    expect(entering).toEqual([]);
  });

  it.each(["kube", "queue", "leader", "reconcile", "keys", "flags"])(
    "never lets %s/ import the reconcile loop (controller/) or the composition root",
    (folder) => {
      expect(
        crossings(
          (f) => f === folder,
          (f) => f === "controller" || f === "app",
        ),
      ).toEqual([]);
    },
  );

  it("has no two folders importing each other (the package root aside: main.ts lives there)", () => {
    const edges = new Set(
      crossings(
        (f) => f !== "",
        (f) => f !== "",
      ).map((edge) => edge.split(" -> ").map(folderOf).join(" -> ")),
    );
    const twoWay = [...edges].filter((edge) =>
      edges.has(edge.split(" -> ").reverse().join(" -> ")),
    );
    expect(twoWay).toEqual([]);
  });

  it("has no import cycle between files", () => {
    const state = new Map<string, "open" | "done">();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "open") {
        cycles.push([...path.slice(path.indexOf(file)), file].join(" -> "));
        return;
      }
      state.set(file, "open");
      for (const dep of GRAPH.get(file) ?? []) visit(dep, [...path, file]);
      state.set(file, "done");
    };
    for (const file of GRAPH.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
