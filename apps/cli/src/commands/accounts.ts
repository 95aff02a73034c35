/** `keypears accounts`: the accounts on this device, read without unlocking them. */

import { describeVaultError, isLocalOnly, listVaultFiles, openAccountFile } from "@keypears/vault";
import { defineCommand } from "../command.ts";
import { isoTime, localTime } from "../format.ts";

export const command = defineCommand({
  usage: "accounts",
  description: `
Lists every account whose vault file is in KEYPEARS_HOME (default ~/.keypears), with no password
needed: only public details are shown. Choose one for other commands with --account.`,
  options: {},
  positionals: { min: 0, max: 0 },
  examples: ["keypears accounts", "keypears accounts --json"],
  run: async (ctx) => {
    const accounts = listVaultFiles(ctx.home).map((address) => {
      const opened = openAccountFile(ctx.home, address);
      if (!opened.ok)
        return {
          address,
          localOnly: isLocalOnly(address),
          serverUrl: null,
          vaultId: null,
          deviceId: null,
          createdAt: null,
          error: describeVaultError(opened.error),
        };
      const { db, account } = opened.value;
      db.close();
      return {
        address,
        localOnly: isLocalOnly(address),
        serverUrl: account.serverUrl,
        vaultId: account.vaultId as string,
        deviceId: account.deviceId as string,
        createdAt: isoTime(account.createdAt),
        error: null,
      };
    });
    if (ctx.json) {
      ctx.out.data(accounts);
      return;
    }
    if (accounts.length === 0) {
      ctx.out.note(
        "No accounts on this device yet. Create one with `keypears init you@localhost` (local only), or add a synced one with `keypears login`.",
      );
      return;
    }
    ctx.out.table(
      ["ACCOUNT", "SYNC", "DEVICE", "CREATED"],
      accounts.map((a) => [
        a.address,
        a.error !== null
          ? `unreadable: ${a.error}`
          : a.localOnly
            ? "local only"
            : (a.serverUrl ?? "?"),
        a.deviceId ?? "",
        a.createdAt === null ? "" : localTime(Date.parse(a.createdAt)),
      ]),
    );
  },
});
