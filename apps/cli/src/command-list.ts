/** Every command with its one-line summary, loaded only when it runs so that startup stays fast. */

import type { Command } from "./command.ts";

export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly group: "Accounts" | "Items" | "Tools" | "Sync" | "Sharing" | "Server";
  readonly load: () => Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "init",
    group: "Accounts",
    summary: "create an account on this device (and on its server, for a synced address)",
    load: async () => (await import("./commands/init.ts")).command,
  },
  {
    name: "login",
    group: "Accounts",
    summary: "add an existing synced account to this device (password + Secret Key)",
    load: async () => (await import("./commands/login.ts")).command,
  },
  {
    name: "accounts",
    group: "Accounts",
    summary: "list the accounts on this device",
    load: async () => (await import("./commands/accounts.ts")).command,
  },
  {
    name: "passwd",
    group: "Accounts",
    summary: "change the master password",
    load: async () => (await import("./commands/passwd.ts")).command,
  },
  {
    name: "unlock",
    group: "Accounts",
    summary: "unlock once: an agent keeps the account unlocked for the next commands",
    load: async () => (await import("./commands/unlock.ts")).command,
  },
  {
    name: "lock",
    group: "Accounts",
    summary: "lock now: the agent drops the keys",
    load: async () => (await import("./commands/lock.ts")).command,
  },
  {
    name: "move",
    group: "Accounts",
    summary:
      "move an account's items and history into another account (local to synced, server to server)",
    load: async () => (await import("./commands/move.ts")).command,
  },
  {
    name: "add",
    group: "Items",
    summary: "add an item (login, note, card, identity, apikey)",
    load: async () => (await import("./commands/add.ts")).command,
  },
  {
    name: "list",
    group: "Items",
    summary: "list and search items, or the trash",
    load: async () => (await import("./commands/list.ts")).command,
  },
  {
    name: "get",
    group: "Items",
    summary: "show one item, or print one field's value",
    load: async () => (await import("./commands/get.ts")).command,
  },
  {
    name: "copy",
    group: "Items",
    summary: "copy a password (or any field) to the clipboard, cleared after 30 s",
    load: async () => (await import("./commands/copy.ts")).command,
  },
  {
    name: "edit",
    group: "Items",
    summary: "change an item's fields",
    load: async () => (await import("./commands/edit.ts")).command,
  },
  {
    name: "rm",
    group: "Items",
    summary: "move an item to the trash, or delete it for good",
    load: async () => (await import("./commands/rm.ts")).command,
  },
  {
    name: "restore",
    group: "Items",
    summary: "bring an item back from the trash",
    load: async () => (await import("./commands/restore.ts")).command,
  },
  {
    name: "history",
    group: "Items",
    summary: "every value a field has had, when, and from which device",
    load: async () => (await import("./commands/history.ts")).command,
  },
  {
    name: "conflicts",
    group: "Items",
    summary: "concurrent edits waiting for a decision",
    load: async () => (await import("./commands/conflicts.ts")).command,
  },
  {
    name: "resolve",
    group: "Items",
    summary: "settle a conflict by picking a value or giving a new one",
    load: async () => (await import("./commands/resolve.ts")).command,
  },
  {
    name: "folders",
    group: "Items",
    summary: "the folders in use, with item counts",
    load: async () => (await import("./commands/folders.ts")).command,
  },
  {
    name: "tags",
    group: "Items",
    summary: "the tags in use, with item counts",
    load: async () => (await import("./commands/tags.ts")).command,
  },
  {
    name: "health",
    group: "Items",
    summary: "weak, reused, old and exposed passwords, and what to fix first",
    load: async () => (await import("./commands/health.ts")).command,
  },
  {
    name: "import",
    group: "Items",
    summary: "import items from Bitwarden, 1Password, KeePass, browsers, LastPass, Proton Pass",
    load: async () => (await import("./commands/import.ts")).command,
  },
  {
    name: "export",
    group: "Items",
    summary: "export every item (encrypted KeyPears file, Bitwarden JSON or CSV)",
    load: async () => (await import("./commands/export.ts")).command,
  },
  {
    name: "generate",
    group: "Tools",
    summary: "generate a password or passphrase",
    load: async () => (await import("./commands/generate.ts")).command,
  },
  {
    name: "totp",
    group: "Tools",
    summary: "the current one-time code of an item",
    load: async () => (await import("./commands/totp.ts")).command,
  },
  {
    name: "doctor",
    group: "Tools",
    summary: "check the vault file and rebuild damaged items from their events",
    load: async () => (await import("./commands/doctor.ts")).command,
  },
  {
    name: "sync",
    group: "Sync",
    summary: "push, pull and verify; --watch stays live",
    load: async () => (await import("./commands/sync.ts")).command,
  },
  {
    name: "status",
    group: "Sync",
    summary: "account, server, last sync, verified position, pending changes",
    load: async () => (await import("./commands/status.ts")).command,
  },
  {
    name: "devices",
    group: "Sync",
    summary: "list, rename or revoke the devices of a synced account",
    load: async () => (await import("./commands/devices.ts")).command,
  },
  {
    name: "share",
    group: "Sharing",
    summary: "send an item, end-to-end encrypted, to an address on any server",
    load: async () => (await import("./commands/share.ts")).command,
  },
  {
    name: "inbox",
    group: "Sharing",
    summary: "shares sent to you, verified against their senders' keys",
    load: async () => (await import("./commands/inbox.ts")).command,
  },
  {
    name: "accept",
    group: "Sharing",
    summary: "copy a share from the inbox into the vault",
    load: async () => (await import("./commands/accept.ts")).command,
  },
  {
    name: "decline",
    group: "Sharing",
    summary: "delete a share from the inbox",
    load: async () => (await import("./commands/decline.ts")).command,
  },
  {
    name: "contacts",
    group: "Sharing",
    summary: "pinned contacts and safety numbers; verify, block",
    load: async () => (await import("./commands/contacts.ts")).command,
  },
  {
    name: "config",
    group: "Tools",
    summary: "read and change settings: default account, timeouts, default server",
    load: async () => (await import("./commands/config.ts")).command,
  },
  {
    name: "completion",
    group: "Tools",
    summary: "shell completion for bash, zsh or fish",
    load: async () => (await import("./commands/completion.ts")).command,
  },
  {
    name: "serve",
    group: "Server",
    summary: "run a KeyPears sync server",
    // `serve` has its own argument parser (in @keypears/server); see main.ts.
    load: () => Promise.reject(new Error("serve is dispatched by main")),
  },
];

export const findCommand = (name: string): CommandEntry | undefined =>
  COMMANDS.find((entry) => entry.name === name);
