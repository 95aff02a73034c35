/**
 * Records and refuses every way a Node process can reach the network, so a test can prove that a
 * local-only account made no request at all.
 */

import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";

export interface NetworkGuard {
  readonly attempts: readonly string[];
  readonly release: () => void;
}

export const guardNetwork = (): NetworkGuard => {
  const attempts: string[] = [];
  const restores: (() => void)[] = [];
  const refuse = (what: string) => {
    attempts.push(what);
    throw new Error(`network access refused in this test: ${what}`);
  };
  const patch = <T extends object, K extends keyof T>(target: T, key: K, name: string) => {
    const original = target[key];
    Object.defineProperty(target, key, {
      value: () => refuse(name),
      configurable: true,
      writable: true,
    });
    restores.push(() =>
      Object.defineProperty(target, key, { value: original, configurable: true, writable: true }),
    );
  };
  patch(net.Socket.prototype, "connect", "net.Socket.connect");
  patch(net, "connect", "net.connect");
  patch(net, "createConnection", "net.createConnection");
  patch(tls, "connect", "tls.connect");
  patch(http, "request", "http.request");
  patch(http, "get", "http.get");
  patch(https, "request", "https.request");
  patch(https, "get", "https.get");
  patch(dns, "lookup", "dns.lookup");
  patch(dns.promises, "lookup", "dns.promises.lookup");
  patch(dns, "resolve", "dns.resolve");
  patch(globalThis, "fetch", "fetch");
  return {
    attempts,
    release: () => {
      for (const restore of restores.reverse()) restore();
    },
  };
};
