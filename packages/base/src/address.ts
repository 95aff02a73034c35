/**
 * Account addresses: `name@domain`. `name@localhost` is local only: it never syncs and never touches
 * the network. Any other domain syncs through that domain's KeyPears server.
 */

import type { Brand } from "./brand.ts";
import { err, ok, type Result } from "./result.ts";

export type Address = Brand<string, "Address">;

export type AddressError = { readonly kind: "invalid-address"; readonly reason: string };

export const LOCAL_DOMAIN = "localhost";

// The local part as e-mail allows it (RFC 5322 dot-atom), without quoted strings.
const localPartPattern = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const labelPattern = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Parses an address; the domain is lowercased (it is case-insensitive), the local part kept as typed. */
export const parseAddress = (text: string): Result<Address, AddressError> => {
  const at = text.lastIndexOf("@");
  if (at <= 0 || at === text.length - 1) {
    return err({ kind: "invalid-address", reason: `"${text}" is not of the form name@domain` });
  }
  const local = text.slice(0, at);
  const domain = text.slice(at + 1).toLowerCase();
  if (local.length > 64 || !localPartPattern.test(local)) {
    return err({ kind: "invalid-address", reason: `"${local}" is not a valid name before the @` });
  }
  const [host, port, ...rest] = domain.split(":");
  const labels = (host ?? "").split(".");
  const portOk =
    port === undefined || (/^\d{1,5}$/.test(port) && Number(port) > 0 && Number(port) < 65536);
  if (
    rest.length > 0 ||
    !portOk ||
    domain.length > 253 ||
    !labels.every((label) => labelPattern.test(label))
  ) {
    return err({ kind: "invalid-address", reason: `"${domain}" is not a valid domain` });
  }
  return ok(`${local}@${domain}` as Address);
};

export const domainOf = (address: Address): string => address.slice(address.lastIndexOf("@") + 1);

/** True for `name@localhost`: such an account never syncs, sends or receives. */
export const isLocalOnly = (address: Address): boolean => domainOf(address) === LOCAL_DOMAIN;
