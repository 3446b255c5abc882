/** Names of Signet's subcommands (`signet reseal ...`); run.ts loads their code only when used. */
export const SUBCOMMAND_NAMES = ["inspect", "keys", "reseal", "ui"] as const;

export type SubcommandName = (typeof SUBCOMMAND_NAMES)[number];

/** The subcommand named by argv[0], if any. */
export function subcommandName(argv: readonly string[]): SubcommandName | undefined {
  const first = argv[0];
  return (SUBCOMMAND_NAMES as readonly string[]).includes(first ?? "")
    ? (first as SubcommandName)
    : undefined;
}
