/**
 * The CLI and the files it keeps: warnings (or a refusal) when others can read or change the
 * home folder or a vault, and file-system failures told as what happened, to which path, and
 * which permission is missing, instead of a bug report or a misleading "no account yet".
 */

import { homePermissionProblems } from "@keypears/vault/home";
import { CliError } from "./cli-error.ts";
import type { Output } from "./output.ts";

const octal = (mode: number) => `0${mode.toString(8).padStart(3, "0")}`;

/**
 * Warns about a home folder or vault others can read or change; refuses to go on with a folder
 * anyone can write to, where someone else could swap a vault file for their own.
 */
export const checkHomePermissions = (home: string, out: Output): void => {
  for (const { path, mode, problem } of homePermissionProblems(home)) {
    const folder = problem === "world-writable" || !path.endsWith(".vault");
    const fix = `chmod ${folder ? "700" : "600"} '${path}'`;
    if (problem === "world-writable")
      throw new CliError(
        `refusing to use ${path}: anyone on this machine can write to it (mode ${octal(mode)}), so a vault in it could be replaced; run \`${fix}\``,
      );
    out.warn(
      `${path} is ${problem === "readable" ? "readable" : "writable"} by other users (mode ${octal(mode)}); run \`${fix}\``,
    );
  }
};

const ACCESS_CODES = new Set(["EACCES", "EPERM", "EROFS"]);

/** A one-line message for a file-system failure a person can fix, or undefined for anything else. */
export const describeFileAccessError = (error: unknown): string | undefined => {
  if (!(error instanceof Error)) return undefined;
  const { code, path, syscall } = error as NodeJS.ErrnoException;
  if (code === "SQLITE_READONLY" || code === "SQLITE_READONLY_DBMOVED")
    return "this vault file is read-only here: it can be read, but nothing can be changed; give its owner write permission (chmod 600 on the file) to make changes";
  if (code === undefined || !ACCESS_CODES.has(code) || path === undefined) return undefined;
  if (code === "EROFS") return `cannot write to ${path}: the file system is read-only`;
  const needed =
    syscall === "scandir" || syscall === "opendir"
      ? "read and execute (search) permission on this folder"
      : syscall === "mkdir" || syscall === "rename" || syscall === "unlink"
        ? "write and execute permission on the folder that holds it"
        : "read and write permission";
  return `permission denied on ${path} (${syscall ?? "access"}): KeyPears needs ${needed} for this user; its home folders should be mode 700 and its files 600, owned by you`;
};
