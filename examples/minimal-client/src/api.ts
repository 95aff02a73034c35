/** The few HTTP calls this client makes (PROTOCOL.md sections 3, 4.5 and 10): JSON over fetch. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${status} ${code}: ${message}`);
  }
}

export interface ServerDescription {
  readonly protocol: string;
  readonly version: number;
  readonly domain: string;
  readonly api: string;
  readonly limits: { readonly maxEventBytes: number; readonly maxEventsPerPush: number };
}

/**
 * Finds the API of `domain` at `baseUrl` and checks that it is a version-3 KeyPears server of that
 * domain. This client writes version-2 signed item events, which version 3 still takes and every
 * device still reads at any position (docs/PROTOCOL.md 18.3, 18.4); it does not write batch events.
 */
export const discover = async (
  baseUrl: string,
  domain: string,
): Promise<{ apiUrl: string; description: ServerDescription }> => {
  const url = new URL("/.well-known/keypears.json", baseUrl);
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  const description = (await response.json()) as ServerDescription;
  if (
    description.protocol !== "keypears" ||
    description.version !== 3 ||
    description.domain !== domain
  ) {
    throw new Error(`${url.href} is not a version-3 KeyPears server of ${domain}`);
  }
  return { apiUrl: new URL(description.api, url).toString().replace(/\/+$/, ""), description };
};

export const call = async <T>(
  apiUrl: string,
  method: string,
  path: string,
  options: { readonly token?: string; readonly body?: unknown } = {},
): Promise<T> => {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers,
    signal: AbortSignal.timeout(60_000),
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const json = (await response.json()) as T & { code?: string; message?: string };
  if (!response.ok) throw new ApiError(response.status, json.code ?? "?", json.message ?? "");
  return json;
};
