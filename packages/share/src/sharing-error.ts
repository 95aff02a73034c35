/** The ways sharing fails, as values, and one line for a person for each. */

import type { ShareError } from "./envelope.ts";
import type { IdentityError } from "./identity.ts";
import { describeKeyLogError, type KeyLogError } from "./key-log.ts";

export type SharingError =
  | IdentityError
  | KeyLogError
  | ShareError
  | { readonly kind: "unknown-address"; readonly address: string }
  | { readonly kind: "network"; readonly detail: string }
  | { readonly kind: "refused"; readonly code: string; readonly detail: string }
  | { readonly kind: "not-in-inbox"; readonly id: string }
  | { readonly kind: "ambiguous-id"; readonly id: string }
  | { readonly kind: "not-pinned"; readonly address: string }
  | { readonly kind: "invalid-field"; readonly field: string; readonly reason: string }
  | { readonly kind: "identity-conflict" };

export const describeSharingError = (error: SharingError): string => {
  switch (error.kind) {
    case "local-only":
      return `${error.address} is a local-only account: it has no server, so it can neither send nor receive shares (create a synced account to share)`;
    case "invalid-identity":
      return `the sharing identity in this vault is unreadable (${error.reason})`;
    case "invalid-key-log":
    case "key-log-changed":
      return describeKeyLogError(error);
    case "share-too-large":
      return `the share is too large (${error.bytes} bytes; at most ${error.limit})`;
    case "invalid-share":
      return `share ${error.id} is not accepted: ${error.reason}`;
    case "unknown-address":
      return `${error.address} does not exist or has not set up sharing`;
    case "network":
      return `the server could not be reached: ${error.detail}`;
    case "refused":
      return `the server refused: ${error.detail}`;
    case "not-in-inbox":
      return `no share ${error.id} in the inbox`;
    case "ambiguous-id":
      return `${error.id} matches several shares: give more of the id`;
    case "not-pinned":
      return `${error.address} is not a contact yet`;
    case "invalid-field":
      return `${error.field}: ${error.reason}`;
    case "identity-conflict":
      return "another device set up this account's sharing identity at the same time: run `keypears sync`, then try again";
  }
};
