/** A YAML syntax error, or a text Signet refuses to read (see yaml-parse.ts). */
export class YamlSyntaxError extends Error {
  /** Refused by Signet although go-yaml may read it (documented in README). */
  readonly deliberate: boolean;
  /** A syntax error of the YAML 1.2 parser, which go-yaml (YAML 1.1) may not see. */
  readonly yaml12: boolean;
  /** Where in the text the error was found, when known. */
  readonly offset: number | undefined;

  constructor(
    message: string,
    options: { deliberate?: boolean; yaml12?: boolean; offset?: number } = {},
  ) {
    super(message);
    this.deliberate = options.deliberate ?? false;
    this.yaml12 = options.yaml12 ?? false;
    this.offset = options.offset;
  }
}
