// @ts-check
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
  {
    ignores: [
      "**/dist/**",
      "**/node_modules/**",
      "coverage/**",
      "**/*.mjs",
      "**/*.cjs",
      "packages/web/src/generated/**",
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["*.config.ts", "*.config.js"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/only-throw-error": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      complexity: ["error", 12],
      "max-depth": ["error", 3],
      "max-params": ["error", 4],
    },
  },
  {
    // Core is pure: no I/O, no environment, no cluster or HTTP libraries.
    files: ["packages/core/src/**/*.ts"],
    ignores: ["**/*.test.ts", "**/test-support/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            "fs",
            "node:fs",
            "node:fs/promises",
            "http",
            "node:http",
            "https",
            "node:https",
            "net",
            "node:net",
            "child_process",
            "node:child_process",
            "@kubernetes/client-node",
            "express",
            "commander",
          ],
        },
      ],
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Core takes configuration as parameters." },
      ],
    },
  },
  {
    // The seal page runs in a browser: no Node built-ins, no Buffer or process, and core only
    // through its browser-safe entry.
    files: ["packages/web/src/page/**/*.ts"],
    ignores: ["**/*.test.ts", "**/test-support/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [{ name: "@signet/core", message: "Import @signet/core/browser in the page." }],
          patterns: [{ group: ["node:*"], message: "The page runs in a browser." }],
        },
      ],
      "no-restricted-globals": ["error", "Buffer", "process", "require", "__dirname"],
    },
  },
  {
    // Tests may use looser typing around fixtures and spawned processes.
    files: ["**/*.test.ts", "test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
      complexity: "off",
      "max-depth": "off",
    },
  },
  {
    files: ["**/*.js"],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
