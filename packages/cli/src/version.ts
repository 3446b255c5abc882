/** Version printed by `--version`; release builds replace it. */
export const VERSION = "0.1.0";
