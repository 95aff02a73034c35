/**
 * The failures a person causes or can fix, thrown by commands and turned into one line on stderr
 * and an exit code by `main`: 1 for a failure, 2 for a usage error. Anything else is a bug.
 */

import { describeVaultError, type VaultError } from "@keypears/vault/errors";
import type { SyncFailure } from "./sync-services.ts";

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 | 130 = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** A command line that cannot be run as written; `command` points the hint at that command's help. */
export const usageError = (message: string, command?: string): CliError =>
  new CliError(
    `${message}; run \`keypears ${command === undefined ? "" : `${command} `}--help\` for usage`,
    2,
  );

export const vaultFailure = (error: VaultError): CliError =>
  new CliError(describeVaultError(error));

export const interrupted = (): CliError => new CliError("interrupted", 130);

export const syncFailure = (failure: SyncFailure): CliError => new CliError(failure.message);
