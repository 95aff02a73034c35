/**
 * Which server URLs the CLI will talk to: `https:` anywhere, plain `http:` only to this machine
 * (a loopback address), since everything sent (the auth secret, the session token, sealed events
 * and their metadata) would cross the network in clear and could be changed on the way.
 */

import { isIP } from "node:net";

const isLoopbackHost = (hostname: string): boolean => {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  if (isIP(host) === 6) return host === "::1" || host.startsWith("::ffff:127.");
  return false;
};

/** Why `url` must not be used, or undefined when it may. */
export const refuseServerUrl = (url: string): string | undefined => {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a server URL; write it as https://keys.example.com`;
  }
  if (parsed.protocol === "https:") return undefined;
  if (parsed.protocol === "http:") {
    if (isLoopbackHost(parsed.hostname)) return undefined;
    return `refusing plain http:// to ${parsed.host}: the auth secret and session token would cross the network unencrypted; use https:// (plain http is allowed only to this machine: localhost, 127.0.0.1, ::1)`;
  }
  return `"${url}" is not an http(s) URL; write it as https://keys.example.com`;
};
