/**
 * Signet's subcommands (`signet reseal ...`) with the one-line summary `signet --help` lists;
 * run.ts loads their code only when used.
 */
export const SUBCOMMAND_SUMMARIES = {
  inspect: "Show what each SealedSecret in files or directories holds, without decrypting",
  keys: "List, back up or retire the controller's sealing keys (list|backup|retire)",
  lint: "Check manifests offline for plaintext Secrets and broken or stale SealedSecrets",
  reseal: "Re-encrypt SealedSecrets in files or directories with the current key, in place",
  ui: "Serve the seal page on 127.0.0.1: Secrets sealed in the browser, values never sent",
} as const;

export type SubcommandName = keyof typeof SUBCOMMAND_SUMMARIES;

export const SUBCOMMAND_NAMES = Object.keys(SUBCOMMAND_SUMMARIES) as readonly SubcommandName[];

/** Whether `name` is one of Signet's subcommands. */
export function isSubcommandName(name: string): name is SubcommandName {
  return Object.hasOwn(SUBCOMMAND_SUMMARIES, name);
}

/** The subcommand named by argv[0], if any. */
export function subcommandName(argv: readonly string[]): SubcommandName | undefined {
  const first = argv[0] ?? "";
  return isSubcommandName(first) ? first : undefined;
}
