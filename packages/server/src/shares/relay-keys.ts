/**
 * The key-log relay: this server fetches another domain's address's public key log for one of its
 * signed-in accounts, so a web app served under `connect-src 'self'` talks only to its own origin.
 * Only two documents are ever fetched, both public: the domain's discovery document
 * (`/.well-known/keypears.json`) and, at the API it names, `/accounts/{address}/keys`; each with
 * `remoteGet`'s guards (no private or loopback targets, no redirects, 10 s, bounded size). The
 * client verifies what it gets against its pin, as if it had fetched it itself: a relaying server
 * can withhold a log but not forge one a pinned contact's client would accept (SECURITY.md).
 */

import { type Address, domainOf } from "@keypears/base";
import { keyLogEntrySchema, serverDescriptionSchema, WELL_KNOWN_PATH } from "@keypears/api";
import { z } from "zod";
import type { FetchLike } from "./discover.ts";
import { isLoopbackDomain, remoteGet } from "./remote-fetch.ts";

/** Discovery documents are small; a key log holds at most 256 entries of about 2.3 KB. */
const MAX_DISCOVERY_BYTES = 64 * 1024;
export const MAX_KEY_LOG_BYTES = 1024 * 1024;
const TIMEOUT_MS = 10_000;

const servedLogSchema = z.object({
  address: z.string(),
  entries: z.array(keyLogEntrySchema).min(1).max(256),
});

export type RelayedKeyLog =
  | { readonly ok: true; readonly entries: z.infer<typeof servedLogSchema>["entries"] }
  | { readonly ok: false; readonly kind: "no-identity" }
  | { readonly ok: false; readonly kind: "unreachable"; readonly reason: string };

export interface RelayOptions {
  readonly ownDomain: string;
  readonly fetch: FetchLike;
  readonly resolve?: (host: string) => Promise<readonly string[]>;
}

const schemeFor = (domain: string): string => (isLoopbackDomain(domain) ? "http" : "https");

export const relayKeyLog = async (
  address: Address,
  options: RelayOptions,
): Promise<RelayedKeyLog> => {
  const domain = domainOf(address);
  const guards = {
    fetch: options.fetch,
    // A server on the public network never relays to this machine; one for `localhost:<port>`
    // domains (a developer's) relays to its neighbours on this machine, and nowhere private.
    allowLoopback: isLoopbackDomain(options.ownDomain),
    timeoutMs: TIMEOUT_MS,
    ...(options.resolve === undefined ? {} : { resolve: options.resolve }),
  };
  const unreachable = (reason: string): RelayedKeyLog => ({
    ok: false,
    kind: "unreachable",
    reason,
  });
  const base = `${schemeFor(domain)}://${domain}`;
  const discovery = await remoteGet(`${base}${WELL_KNOWN_PATH}`, {
    ...guards,
    maxBytes: MAX_DISCOVERY_BYTES,
  });
  if (!discovery.ok) return unreachable(`the server of ${domain}: ${discovery.reason}`);
  if (discovery.status !== 200)
    return unreachable(`no KeyPears server answers for ${domain} (${discovery.status})`);
  const description = serverDescriptionSchema.safeParse(parseJson(discovery.text));
  if (!description.success) return unreachable(`no KeyPears server answers for ${domain}`);
  if (description.data.domain !== domain)
    return unreachable(`the server found serves ${description.data.domain}, not ${domain}`);
  let api: string;
  try {
    api = new URL(description.data.api, `${base}/`).toString().replace(/\/+$/, "");
  } catch {
    return unreachable(`the discovery document of ${domain} names no valid API address`);
  }
  const served = await remoteGet(`${api}/accounts/${encodeURIComponent(address)}/keys`, {
    ...guards,
    maxBytes: MAX_KEY_LOG_BYTES,
  });
  if (!served.ok) return unreachable(`the server of ${domain}: ${served.reason}`);
  if (served.status === 404) return { ok: false, kind: "no-identity" };
  if (served.status !== 200)
    return unreachable(`the server of ${domain} answered ${served.status}`);
  const log = servedLogSchema.safeParse(parseJson(served.text));
  if (!log.success || log.data.address.toLowerCase() !== address.toLowerCase())
    return unreachable(`the server of ${domain} served no valid key log for ${address}`);
  return { ok: true, entries: log.data.entries };
};

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};
