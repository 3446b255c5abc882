/**
 * Go's text of a file-system error (`syscall.Errno`, the Linux `strerror` wording Go's table
 * holds): "no such file or directory", ... An error without a known code keeps its message.
 */
const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EISDIR: "is a directory",
  ENOTDIR: "not a directory",
  ELOOP: "too many levels of symbolic links",
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EPERM: "operation not permitted",
  ENAMETOOLONG: "file name too long",
  EEXIST: "file exists",
  EBUSY: "device or resource busy",
  ETXTBSY: "text file busy",
  EMFILE: "too many open files",
  EIO: "input/output error",
  EXDEV: "invalid cross-device link",
};

export function goErrnoText(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code === "string" && Object.hasOwn(ERRNO_TEXT, code)) return ERRNO_TEXT[code]!;
  return err instanceof Error ? err.message : "unknown error";
}
