/** The device's session with its server: the token is kept sealed in the vault file, never in plaintext. */

import type { WireSession } from "@keypears/api";
import type { Vault } from "@keypears/vault/core";

const SESSION_SECRET = "session";

export interface StoredSession {
  readonly token: string;
  readonly expiresAt: string;
}

export const saveSession = (
  vault: Vault,
  session: Pick<WireSession, "token" | "expiresAt">,
): void => {
  vault.sync.writeSecret(
    SESSION_SECRET,
    new TextEncoder().encode(
      JSON.stringify({ token: session.token, expiresAt: session.expiresAt }),
    ),
  );
};

export const loadSession = (vault: Vault): StoredSession | undefined => {
  const bytes = vault.sync.readSecret(SESSION_SECRET);
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as StoredSession;
  } catch {
    return undefined;
  }
};

export const forgetSession = (vault: Vault): void => vault.sync.deleteSecret(SESSION_SECRET);
