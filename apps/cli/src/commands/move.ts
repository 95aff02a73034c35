/**
 * `keypears move <from> --to <to>`: moves an account's items, each with its whole history, into
 * another account (a local account to a synced one, or a synced one to another server), then
 * removes the old account from this device once the new one's server holds everything.
 *
 * Safe to interrupt and re-run, by construction:
 *
 *   1. the new account is created (or, on a re-run, found on this device and unlocked);
 *   2. every item is copied in ONE vault transaction, keeping its id: all or nothing, and items
 *      already copied (same id) are skipped, so a re-run never duplicates;
 *   3. the new account syncs until its server has every change (its server ignores events it
 *      already holds, so a repeated push is harmless);
 *   4. only then, and only if every item of the old account is in the new one, is the old account
 *      removed from this device.
 *
 * An interruption before 4 leaves the old account intact; running the same command again resumes.
 */

import { hostname } from "node:os";
import { collectExportItems, planImport, applyImport, type ParsedImport } from "@keypears/transfer";
import {
  createAccount,
  describeVaultError,
  isLocalOnly,
  listVaultFiles,
  parseAddress,
  removeAccountFile,
  unlockVault,
  type Address,
  type Vault,
} from "@keypears/vault";
import { CliError, syncFailure, usageError, vaultFailure } from "../cli-error.ts";
import { defineCommand } from "../command.ts";
import { readPassword } from "../secrets.ts";
import type { SyncServices } from "../sync-services.ts";

export const command = defineCommand({
  usage: "move <address> --to <new-address> [--server <url>]",
  description: `
Moves every item of an account on this device, with its whole history, into another account:
alice@localhost --to alice@example.com makes a local account a synced one; a synced account
--to an address on another server changes hosts. The new account is created on its server (found
from its domain, or --server) with the same master password, and its recovery kit is printed once:
save it, the new account has its own Secret Key. If the new account already exists, add it to this
device first (\`keypears login\`).

The move is safe to interrupt and run again: items are copied in one transaction keeping their
ids, so nothing is half-moved or duplicated, and the old account is removed from this device only
after the new account's server holds every item. A synced old account stays on its old server;
delete it there when you are sure.`,
  options: {
    to: { type: "string", valueName: "address", description: "the account to move into" },
    server: {
      type: "string",
      valueName: "url",
      description: "the new account's server, if not found from its domain",
    },
    "device-name": {
      type: "string",
      valueName: "name",
      description: "what the new server calls this device",
    },
  },
  positionals: { min: 1, max: 1 },
  examples: [
    "keypears move alice@localhost --to alice@example.com",
    "keypears move alice@old-host.example --to alice@new-host.example --server https://keys.new-host.example",
  ],
  run: async (ctx) => {
    const from = parseAddress(ctx.positionals[0] as string);
    if (!from.ok) throw new CliError(describeVaultError(from.error));
    if (ctx.values.to === undefined) throw usageError("--to <new-address> is required", "move");
    const to = parseAddress(ctx.values.to);
    if (!to.ok) throw new CliError(`--to: ${describeVaultError(to.error)}`);
    if (isLocalOnly(to.value))
      throw usageError(
        `${to.value} is local only; move into a synced address (name@your-server's-domain)`,
        "move",
      );
    if (from.value === to.value) throw usageError("--to names the same account", "move");
    const onDevice = listVaultFiles(ctx.home);
    if (!onDevice.includes(from.value))
      throw vaultFailure({ kind: "no-such-account", address: from.value });

    const password = await readPassword(ctx, from.value);
    const services = await ctx.syncServices();
    const unlocked = await unlockVault({ home: ctx.home, address: from.value, password });
    if (!unlocked.ok) throw vaultFailure(unlocked.error);
    const source = unlocked.value;
    let target: Vault | undefined;
    try {
      if (!source.localOnly) {
        // Everything the old account's server holds comes along, not only what this device had.
        const pulled = await services.sync(source, { progress: () => {} });
        if (!pulled.ok) throw new CliError(`${pulled.error.message}; nothing was moved`);
      }
      const opened = await openTarget({
        home: ctx.home,
        services,
        address: to.value,
        password,
        onDevice: onDevice.includes(to.value),
        server: ctx.values.server,
        deviceName: ctx.values["device-name"] ?? hostname(),
      });
      target = opened.vault;
      if (opened.created !== undefined && !ctx.json) {
        // Shown before anything else can fail: the new account exists from now on.
        ctx.out.line(`Created ${ctx.out.style.bold(to.value)} on ${target.serverUrl}.`);
        ctx.out.line();
        ctx.out.line(opened.created.recoveryKit.trimEnd());
        ctx.out.line();
        ctx.out.note(
          ctx.out.errStyle.yellow(
            `Save this recovery kit for ${to.value} now: it is shown only once, and it holds the new account's Secret Key.`,
          ),
        );
      }
      try {
        const items = collectExportItems(source);
        const parsed: ParsedImport = {
          format: "keypears",
          items: items.map((item) => ({
            source: `item ${item.id}`,
            id: item.id,
            type: item.type,
            fields: item.fields,
            history: Object.fromEntries(
              Object.entries(item.history).map(([name, entries]) => [
                name,
                entries.map((e) => e.value),
              ]),
            ),
            trashed: item.trashed,
          })),
          rejected: [],
          mapped: {},
        };
        const plan = planImport(parsed, [...target.list(), ...target.list({ trash: true })]);
        // Only the same item (by id) counts as already moved; a look-alike of the user's own is kept.
        const copied = applyImport(
          target,
          { ...plan, duplicates: plan.duplicates.filter((d) => d.reason === "same id") },
          {
            duplicates: "skip",
          },
        );
        if (!copied.ok)
          throw new CliError(
            `${copied.error.source}: ${describeVaultError(copied.error.error)}; nothing was moved`,
          );

        const synced = await services.sync(target, { progress: () => {} });
        if (!synced.ok)
          throw new CliError(
            `${synced.error.message}; the items are copied into ${to.value} on this device but not yet on its server, and ${from.value} is kept: run the same \`keypears move\` again`,
          );
        const holder = target;
        const missing = items.filter((item) => !holder.get(item.id).ok);
        // Every change of the new account must be on its server and verified back, none waiting.
        const status = target.sync.status();
        if (missing.length > 0 || status.pending + status.sent + status.ordered > 0)
          throw new CliError(
            `${to.value} does not hold every item yet; ${from.value} is kept: run the same command again`,
          );

        const movedItems = items.length;
        source.lock();
        const removed = removeAccountFile(ctx.home, from.value);
        if (!removed.ok) throw vaultFailure(removed.error);
        if (ctx.json) {
          ctx.out.data({
            from: from.value,
            to: to.value,
            serverUrl: target.serverUrl,
            moved: true,
            items: movedItems,
            copied: copied.value.added,
            alreadyThere: copied.value.skipped,
            created: opened.created !== undefined,
            ...opened.created,
          });
          return;
        }
        ctx.out.line(
          `Moved ${movedItems} item${movedItems === 1 ? "" : "s"} with their history from ${from.value} to ${ctx.out.style.bold(to.value)} (${target.serverUrl}); ${from.value} is removed from this device.`,
        );
        if (!isLocalOnly(from.value))
          ctx.out.note(
            `${from.value} still exists on its old server; delete it there once you are sure.`,
          );
      } catch (error) {
        // With --json the recovery kit of an account made by this run must not be lost with the error.
        if (opened.created !== undefined && ctx.json)
          ctx.out.data({
            from: from.value,
            to: to.value,
            moved: false,
            created: true,
            ...opened.created,
          });
        throw error;
      }
    } finally {
      source.lock();
      target?.lock();
    }
  },
});

interface OpenedTarget {
  readonly vault: Vault;
  /** Set when this run created the account: its recovery kit, shown once. */
  readonly created: { readonly secretKey: string; readonly recoveryKit: string } | undefined;
}

/** The new account: unlocked if this device has it (a re-run), else created here and on its server. */
const openTarget = async (input: {
  readonly home: string;
  readonly services: SyncServices;
  readonly address: Address;
  readonly password: string;
  readonly onDevice: boolean;
  readonly server: string | undefined;
  readonly deviceName: string;
}): Promise<OpenedTarget> => {
  const { home, services, address, password } = input;
  if (input.onDevice) {
    const unlocked = await unlockVault({ home, address, password });
    if (!unlocked.ok)
      throw new CliError(
        `${address} is on this device but does not open with this master password (${describeVaultError(unlocked.error)}); nothing was moved`,
      );
    return { vault: unlocked.value, created: undefined };
  }
  const found = await services.discoverServer(address, input.server);
  if (!found.ok) throw syncFailure(found.error);
  const created = await createAccount({ home, address, password, serverUrl: found.value });
  if (!created.ok) throw vaultFailure(created.error);
  const account = created.value;
  // An account its server never accepted would only be in the way of running the move again.
  const undo = () => {
    account.vault.lock();
    removeAccountFile(home, address);
  };
  const registered = await services
    .register({ account, serverUrl: found.value, deviceName: input.deviceName })
    .catch((error: unknown) => {
      undo();
      throw error;
    });
  if (!registered.ok) {
    undo();
    throw new CliError(
      `${registered.error.message}; if ${address} is yours, add it to this device with \`keypears login ${address}\` and run the move again. Nothing was moved`,
    );
  }
  return {
    vault: account.vault,
    created: { secretKey: account.secretKey, recoveryKit: account.recoveryKit },
  };
};
