/** The account routes: registration, pre-login, sign-in and -out, account, credentials change. */

import type { DeviceId, VaultId } from "@keypears/sync-core";
import {
  changeCredentials,
  getAccount,
  login,
  preLogin,
  register,
} from "../../accounts/accounts.ts";
import { requiresApproval, setRequireApproval } from "../../accounts/approval.ts";
import { endSession } from "../../accounts/sessions.ts";
import { apiError } from "../api-error.ts";
import { authed, base } from "../implementer.ts";
import type { RateLimiter } from "../../limits/rate-limiter.ts";
import { spend } from "../rate-limited.ts";
import { b64, bytes, signedInToWire } from "../wire-convert.ts";
import { requireApprovedDevice } from "./vault-access.ts";

const device = (input: { id: string; name: string }) => ({
  id: input.id as DeviceId,
  name: input.name,
});
const vaultKey = (input: { vaultId: string; wrappedVaultKey: string }) => ({
  vaultId: input.vaultId as VaultId,
  wrappedVaultKey: bytes(input.wrappedVaultKey),
});
/**
 * A failed sign-in spends the server-wide failure budget; when it is empty the failure is
 * answered 429 instead of 401. The right credentials are never refused by it (checking them is
 * one SHA-256), so no one can lock an owner out by failing on purpose.
 */
const refuseFailure = (limiter: RateLimiter): never => {
  const decision = limiter.take("all");
  if (!decision.allowed) {
    throw apiError("TOO_MANY_REQUESTS", {
      data: { retryAfterSeconds: decision.retryAfterSeconds },
    });
  }
  throw apiError("INVALID_CREDENTIALS");
};

export const accountHandlers = {
  register: base.accounts.register.handler(async ({ input, context: { app, request } }) => {
    spend(app.rateLimiters.register, request.clientIp);
    const result = await register(app, {
      address: input.address,
      authSecret: bytes(input.authSecret),
      kdf: input.kdf,
      salt: bytes(input.salt),
      device: device(input.device),
      vault: vaultKey(input.vault),
    });
    if (result.ok) return signedInToWire(result.value);
    switch (result.error.kind) {
      case "wrong-domain":
        throw apiError("WRONG_DOMAIN", {
          message: `This server holds addresses @${result.error.domain} only.`,
          data: { domain: result.error.domain },
        });
      case "address-taken":
        throw apiError("ADDRESS_TAKEN");
      case "vault-exists":
        throw apiError("VAULT_EXISTS");
    }
  }),

  preLogin: base.accounts.preLogin.handler(async ({ input, context: { app, request } }) => {
    spend(app.rateLimiters.login, request.clientIp);
    const params = await preLogin(app, input.address);
    return { kdf: params.kdf, salt: b64(params.salt) };
  }),

  login: base.accounts.login.handler(async ({ input, context: { app, request } }) => {
    spend(app.rateLimiters.login, request.clientIp);
    const result = await login(app, {
      address: input.address,
      authSecret: bytes(input.authSecret),
      device: device(input.device),
    });
    if (result.ok) return signedInToWire(result.value);
    if (result.error.kind === "device-revoked") throw apiError("DEVICE_REVOKED");
    return refuseFailure(app.rateLimiters.failedLogins);
  }),

  logout: authed.accounts.logout.handler(async ({ context: { app, session } }) => {
    await endSession(app, session);
    app.sessionCache.endToken(session.tokenHash);
    return { ok: true as const };
  }),

  get: authed.accounts.get.handler(async ({ context: { app, session } }) => {
    const account = await getAccount(app, session.accountId);
    return {
      address: account.address,
      deviceId: session.deviceId,
      requireApproval: await requiresApproval(app, session.accountId),
      kdf: account.kdf,
      salt: b64(account.salt),
      vaults: account.vaults.map((vault) => ({
        vaultId: vault.vaultId,
        wrappedVaultKey: b64(vault.wrappedVaultKey),
      })),
    };
  }),

  setApproval: authed.accounts.setApproval.handler(async ({ input, context: { app, session } }) => {
    requireApprovedDevice(session);
    await setRequireApproval(app, session.accountId, input.required);
    return { required: input.required };
  }),

  changeCredentials: authed.accounts.changeCredentials.handler(
    async ({ input, context: { app, request, session } }) => {
      spend(app.rateLimiters.login, request.clientIp);
      const result = await changeCredentials(
        app,
        session.accountId,
        {
          currentAuthSecret: bytes(input.currentAuthSecret),
          authSecret: bytes(input.authSecret),
          kdf: input.kdf,
          salt: bytes(input.salt),
          vaults: input.vaults.map(vaultKey),
        },
        session.tokenHash,
      );
      if (result.ok) return { ok: true as const };
      if (result.error.kind === "vault-set-mismatch") throw apiError("VAULT_SET_MISMATCH");
      return refuseFailure(app.rateLimiters.failedLogins);
    },
  ),
};
