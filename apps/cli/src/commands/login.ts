/** `keypears login <address>`: adds an existing synced account to this device and syncs it. */

import { hostname } from "node:os";
import { parseSecretKey } from "@keypears/crypto";
import { describeVaultError, isLocalOnly, listVaultFiles, parseAddress } from "@keypears/vault";
import { CliError, syncFailure, usageError } from "../cli-error.ts";
import { defineCommand } from "../command.ts";
import { createProgressLine } from "../progress.ts";
import { readPassword, readSecretKey } from "../secrets.ts";
import { syncReportJson } from "../synced.ts";
import { ownApprovalCode } from "../device-notices.ts";

export const command = defineCommand({
  usage: "login <address> [--server <url>]",
  description: `
On a device that already holds the account, signs it in again (after its session expired, or
after the master password was changed on another device: give the new one); local items and
unsynced changes are kept. Needs the account's master password and its Secret Key (from the recovery kit printed by
\`keypears init\`). Both are asked without echo, or taken from KEYPEARS_PASSWORD /
--password-stdin and KEYPEARS_SECRET_KEY / the next line of standard input. The vault is then downloaded and
verified, with progress shown on a terminal.`,
  options: {
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
    "keypears login alice@example.com",
    "KEYPEARS_SECRET_KEY=K1-... KEYPEARS_PASSWORD=... keypears login alice@example.com --json",
  ],
  run: async (ctx) => {
    const parsed = parseAddress(ctx.positionals[0] as string);
    if (!parsed.ok) throw new CliError(describeVaultError(parsed.error));
    const address = parsed.value;
    if (isLocalOnly(address))
      throw usageError(
        `${address} is a local-only account: it lives on one device and has nothing to log in to`,
        "login",
      );
    // Already on this device: sign in again (an expired session, or a password changed elsewhere).
    const again = listVaultFiles(ctx.home).includes(address);

    const services = await ctx.syncServices();
    const found = await services.discoverServer(address, ctx.values.server);
    if (!found.ok) throw syncFailure(found.error);
    const serverUrl = found.value;

    const password = await readPassword(ctx, address);
    const secretKey = parseSecretKey(await readSecretKey(ctx));
    if (!secretKey.ok)
      throw new CliError(
        `that is not a valid Secret Key (${secretKey.error.reason.replaceAll("-", " ")}); copy it from your recovery kit: K1-XXXXX-...`,
      );

    const progress = createProgressLine(ctx.io, ctx.json);
    const joined = await services.login({
      home: ctx.home,
      address,
      serverUrl,
      password,
      secretKey: secretKey.value,
      deviceName: ctx.values["device-name"] ?? hostname(),
      progress: progress.sink,
    });
    if (!joined.ok) {
      progress.done();
      throw syncFailure(joined.error);
    }
    const vault = joined.value;
    try {
      if (vault.sync.awaitingApproval()) {
        progress.done();
        const code = ownApprovalCode(vault);
        if (ctx.json) {
          ctx.out.data({
            address,
            serverUrl,
            deviceId: vault.deviceId,
            vaultId: vault.vaultId,
            signedInAgain: again,
            approval: "pending",
            code,
          });
          return;
        }
        ctx.out.line(
          `Signed ${ctx.out.style.bold(address)} in on this device (device ${vault.deviceId}), but this account requires that a new device be approved.\n` +
            `On a device already signed in, run: keypears devices approve ${vault.deviceId} --code ${code}\n` +
            `Approve only if that device shows the same code: ${ctx.out.style.bold(code)}. Then run \`keypears sync\` here.`,
        );
        return;
      }
      const synced = await services.sync(vault, { progress: progress.sink });
      progress.done();
      if (!synced.ok)
        ctx.out.warn(
          `${synced.error.message}; the account is on this device, run \`keypears sync\` to finish downloading`,
        );
      else if (synced.value.snapshotNotice !== undefined) ctx.out.warn(synced.value.snapshotNotice);
      if (ctx.json) {
        ctx.out.data({
          address,
          serverUrl,
          deviceId: vault.deviceId,
          vaultId: vault.vaultId,
          signedInAgain: again,
          sync: synced.ok ? syncReportJson(synced.value) : null,
        });
        return;
      }
      const items = vault.list().length;
      if (again) {
        ctx.out.line(
          `Signed ${ctx.out.style.bold(address)} in again on this device (device ${vault.deviceId}).`,
        );
        return;
      }
      ctx.out.line(
        `Added ${ctx.out.style.bold(address)} to this device (device ${vault.deviceId}), ${items} item${items === 1 ? "" : "s"}.`,
      );
    } finally {
      vault.lock();
    }
  },
});
