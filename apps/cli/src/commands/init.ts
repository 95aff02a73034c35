/** `keypears init <address>`: creates an account, prints its recovery kit once. */

import { hostname } from "node:os";
import type { Result } from "@keypears/base";
import {
  type Address,
  createAccount,
  describeVaultError,
  isLocalOnly,
  listVaultFiles,
  parseAddress,
  removeAccountFile,
} from "@keypears/vault";
import { CliError, usageError, vaultFailure } from "../cli-error.ts";
import { defineCommand } from "../command.ts";
import { readNewPassword } from "../secrets.ts";
import { ALLOW_WEAK_OPTION, checkMasterPasswordStrength } from "../master-password-strength.ts";
import { readConfig } from "../config.ts";

export const command = defineCommand({
  usage: "init <address> [--server <url>]",
  description: `
An address at "localhost" (alice@localhost) is local only: it lives in one file on this device
and never touches the network. Any other address syncs through its domain's KeyPears server,
found from https://<domain>/.well-known/keypears.json unless --server names it.

The master password is asked twice without echo (or taken from KEYPEARS_PASSWORD or
--password-stdin). The recovery kit with the account's Secret Key is printed once: save it.
With --json it is in the output as "secretKey" and "recoveryKit".`,
  options: {
    ...ALLOW_WEAK_OPTION,
    server: {
      type: "string",
      valueName: "url",
      description: "the sync server, if not found from the domain",
    },
    "device-name": {
      type: "string",
      valueName: "name",
      description: "what the server calls this device (default: the host name)",
    },
  },
  positionals: { min: 1, max: 1 },
  examples: [
    "keypears init alice@localhost",
    "keypears init alice@example.com",
    "keypears init alice@example.com --server https://keys.example.com",
    "KEYPEARS_PASSWORD=... keypears init alice@localhost --json > kit.json",
  ],
  run: async (ctx) => {
    const parsed = parseAddress(ctx.positionals[0] as string);
    if (!parsed.ok) throw new CliError(describeVaultError(parsed.error));
    const address = parsed.value;
    const local = isLocalOnly(address);
    if (local && ctx.values.server !== undefined)
      throw usageError(
        `${address} is local only and never syncs, so it takes no --server; use an address at your server's domain`,
        "init",
      );
    if (listVaultFiles(ctx.home).includes(address))
      throw vaultFailure({ kind: "account-exists", address });

    let serverUrl: string | undefined;
    const services = local ? undefined : await ctx.syncServices();
    if (services !== undefined) {
      const found = await services.discoverServer(
        address,
        ctx.values.server ?? readConfig(ctx.home).defaultServer,
      );
      if (!found.ok) throw notCreated(found.error.message);
      serverUrl = found.value;
    }

    const password = await readNewPassword(ctx, {
      question: `Choose a master password for ${address}: `,
      variable: "KEYPEARS_PASSWORD",
      stdinIndex: 0,
    });
    await checkMasterPasswordStrength(ctx, password, address);
    const created = await createAccount({
      home: ctx.home,
      address,
      password,
      ...(serverUrl === undefined ? {} : { serverUrl }),
    });
    if (!created.ok) throw vaultFailure(created.error);
    const account = created.value;
    const { vault } = account;
    let identity: Result<string, string> | undefined;
    try {
      if (services !== undefined && serverUrl !== undefined) {
        // A vault its server never accepted would only be in the way of running `init` again.
        const undo = () => {
          vault.lock();
          removeVaultFile(ctx.home, address);
        };
        let registered;
        try {
          registered = await services.register({
            account,
            serverUrl,
            deviceName: ctx.values["device-name"] ?? hostname(),
          });
        } catch (error) {
          undo();
          throw error;
        }
        if (!registered.ok) {
          undo();
          throw notCreated(registered.error.message);
        }
        // The account exists now: a failure here only delays sharing to the first share command.
        identity = (await services.setUpIdentity?.(vault)) ?? undefined;
      }
      if (ctx.json) {
        ctx.out.data({
          address,
          localOnly: local,
          serverUrl: serverUrl ?? null,
          vaultId: vault.vaultId,
          deviceId: vault.deviceId,
          secretKey: account.secretKey,
          recoveryKit: account.recoveryKit,
          ...(identity === undefined
            ? {}
            : {
                sharing: identity.ok
                  ? { safetyNumber: identity.value }
                  : { safetyNumber: null, problem: identity.error },
              }),
        });
        return;
      }
      const { style } = ctx.out;
      ctx.out.line(
        local
          ? `Created ${style.bold(address)} on this device (local only: it never syncs or touches the network).`
          : `Created ${style.bold(address)} on this device and on ${serverUrl}.`,
      );
      if (identity !== undefined)
        ctx.out.line(
          identity.ok
            ? `It can send and receive shares; its safety number is ${identity.value}.`
            : `Sharing is not set up yet (${identity.error}): the first \`keypears share\`, \`inbox\` or \`contacts\` will.`,
        );
      ctx.out.line();
      ctx.out.line(account.recoveryKit.trimEnd());
      ctx.out.line();
      ctx.out.note(
        ctx.out.errStyle.yellow(
          "Save this recovery kit now (print it or store it offline): it is shown only once, and nobody can recover your Secret Key or master password for you.",
        ),
      );
    } finally {
      vault.lock();
    }
  },
});

/** Removes the vault file of an account its server refused, with SQLite's side files. */
const removeVaultFile = (home: string, address: Address): void => {
  removeAccountFile(home, address);
};

/**
 * A server failure during `init`: nothing is left on this device, so the sync client's "saved
 * locally and will sync later" does not apply.
 */
const notCreated = (message: string): CliError =>
  new CliError(
    `${message.replace(/; your changes are saved locally and will sync later$/, "")}; no account was created`,
  );
