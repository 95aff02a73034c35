/**
 * The CLI's side of sharing: the network `@keypears/share` needs (the account's own server with
 * its session, other domains' servers through discovery), a sync round before and after so the
 * identity and contacts reach every device, and errors as one line for a person.
 */

import { domainOf, err, ok, systemRandomBytes } from "@keypears/base";
import { createUuidV7Generator } from "@keypears/sync-core";
import { createServerClient, discoverServer, loadSession } from "@keypears/sync-client";
import {
  describeSharingError,
  directKeyLogOf,
  type ShareDeps,
  type ShareNetwork,
  type SharingError,
} from "@keypears/share";
import type { Vault } from "@keypears/vault";
import { CliError, syncFailure } from "./cli-error.ts";
import type { CommandContext } from "./command.ts";

export const shareDeps = (): ShareDeps => {
  const uuid = createUuidV7Generator(Date.now, systemRandomBytes);
  return { now: Date.now, randomBytes: systemRandomBytes, uuid };
};

export const shareNetwork = async (vault: Vault): Promise<ShareNetwork> => {
  const own = await discoverServer(domainOf(vault.address), vault.serverUrl ?? undefined);
  if (!own.ok)
    throw new CliError(`${vault.address}'s server could not be reached (${own.error.kind})`);
  const session = loadSession(vault);
  if (session === undefined)
    throw new CliError("this device is not signed in: run `keypears login`");
  return {
    own: createServerClient(own.value.apiUrl, () => session.token),
    // The CLI is not bound by a browser's CSP: it reads other domains' key logs from their own
    // servers, so its own server is not in the path of a first contact's keys.
    keyLogOf: directKeyLogOf(async (domain) => {
      const found = await discoverServer(domain);
      if (!found.ok)
        return err(
          found.error.kind === "unreachable"
            ? `the server of ${domain} is unreachable`
            : `no KeyPears server answers for ${domain}`,
        );
      return ok(createServerClient(found.value.apiUrl));
    }),
  };
};

/** A sync round, so this device has the identity and contacts its other devices made (and they get its). */
export const syncRound = async (ctx: CommandContext, vault: Vault): Promise<void> => {
  const services = await ctx.syncServices();
  const synced = await services.sync(vault, { progress: () => {} });
  if (!synced.ok) throw syncFailure(synced.error);
};

export const sharingFailure = (error: SharingError): CliError =>
  new CliError(describeSharingError(error));

/** `7d`, `12h`, `30m` → milliseconds; at most 90 days. */
export const parseExpiry = (text: string): number | undefined => {
  const match = /^(\d{1,4})([mhd])$/.exec(text.trim());
  if (match === null) return undefined;
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as "m" | "h" | "d"];
  const ms = Number(match[1]) * unit;
  return ms > 0 && ms <= 90 * 86_400_000 ? ms : undefined;
};
