/**
 * Finds the server of another domain, as clients do: `/.well-known/keypears.json` over HTTPS at
 * the domain (plain HTTP for `localhost:<port>` and `127.0.0.1`, servers a developer runs on one
 * machine), checked to serve that domain.
 */

import { serverDescriptionSchema, WELL_KNOWN_PATH } from "@keypears/api";

export type FetchLike = typeof fetch;

const schemeFor = (domain: string): "http" | "https" => {
  const host = domain.replace(/:\d+$/, "");
  return host === "localhost" || host === "127.0.0.1" ? "http" : "https";
};

/** The API base URL of `domain`'s server, or a reason it could not be found. */
export const discoverApi = async (
  domain: string,
  fetchImpl: FetchLike,
): Promise<{ ok: true; apiUrl: string } | { ok: false; reason: string }> => {
  const base = `${schemeFor(domain)}://${domain}`;
  try {
    const response = await fetchImpl(`${base}${WELL_KNOWN_PATH}`, {
      signal: AbortSignal.timeout(10_000),
      redirect: "error",
    });
    if (!response.ok) return { ok: false, reason: `discovery answered ${response.status}` };
    const parsed = serverDescriptionSchema.safeParse(await response.json());
    if (!parsed.success) return { ok: false, reason: "not a KeyPears server" };
    if (parsed.data.domain !== domain)
      return { ok: false, reason: `the server serves ${parsed.data.domain}, not ${domain}` };
    return {
      ok: true,
      apiUrl: new URL(parsed.data.api, `${base}/`).toString().replace(/\/+$/, ""),
    };
  } catch (error) {
    return {
      ok: false,
      reason: `unreachable (${error instanceof Error ? error.message : "error"})`,
    };
  }
};
