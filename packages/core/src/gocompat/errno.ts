/** Go's text of a file-system error (`syscall.Errno`): "no such file or directory", ... */
export function goErrnoText(err: unknown): string {
  switch ((err as { code?: string } | undefined)?.code ?? "") {
    case "ENOENT":
      return "no such file or directory";
    case "EACCES":
      return "permission denied";
    case "EISDIR":
      return "is a directory";
    default:
      return err instanceof Error ? err.message : "unknown error";
  }
}
