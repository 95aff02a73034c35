/** Account routes: register, pre-login, sign in and out, and change the credentials. */

import { z } from "zod";
import { apiErrors } from "../errors.ts";
import {
  addressOutputSchema,
  addressSchema,
  authSecretSchema,
  deviceIdSchema,
  deviceNameSchema,
  kdfParamsSchema,
  kdfSaltSchema,
  timestampSchema,
  vaultIdSchema,
  wrappedVaultKeySchema,
} from "../wire.ts";
import { publicRoute, sessionRoute } from "./base.ts";

export const deviceInputSchema = z.object({ id: deviceIdSchema, name: deviceNameSchema });

export const vaultKeySchema = z.object({
  vaultId: vaultIdSchema,
  wrappedVaultKey: wrappedVaultKeySchema,
});

export const accountSchema = z.object({
  address: addressOutputSchema,
  kdf: kdfParamsSchema,
  salt: kdfSaltSchema,
  vaults: z.array(vaultKeySchema),
});

/** What sign-in and registration return. The token is shown once and stored only as a hash. */
export const sessionSchema = z.object({
  token: z.string().describe("Session token (32 random bytes, base64url): send as a Bearer token"),
  expiresAt: timestampSchema,
  deviceId: deviceIdSchema,
  account: accountSchema,
  approval: z
    .enum(["approved", "pending", "recovery"])
    .optional()
    .describe(
      "This device's approval (docs/PROTOCOL.md 16.10): pending until an existing device approves it; recovery when the account requires approval and no other device was left",
    ),
});
export type WireSession = z.infer<typeof sessionSchema>;

const tag = { tags: ["accounts"] } as const;

export const accountRoutes = {
  register: publicRoute
    .errors({
      WRONG_DOMAIN: apiErrors.WRONG_DOMAIN,
      ADDRESS_TAKEN: apiErrors.ADDRESS_TAKEN,
      VAULT_EXISTS: apiErrors.VAULT_EXISTS,
      TOO_MANY_REQUESTS: apiErrors.TOO_MANY_REQUESTS,
    })
    .route({
      ...tag,
      method: "POST",
      path: "/accounts",
      successStatus: 201,
      summary: "Register an address of this server's domain and sign in",
      description:
        "Creates the account for an address of this server's domain with what the client derived (docs/PROTOCOL.md, section 4): the authentication secret (the server keeps only a salted hash of it), the Argon2id parameters and salt, the first device, and the first vault with its wrapped key. Answers with a session, as sign-in does. Rate-limited per client IP.",
    })
    .input(
      z.object({
        address: addressSchema,
        authSecret: authSecretSchema,
        kdf: kdfParamsSchema,
        salt: kdfSaltSchema,
        device: deviceInputSchema,
        vault: vaultKeySchema,
      }),
    )
    .output(sessionSchema),

  preLogin: publicRoute
    .errors({ TOO_MANY_REQUESTS: apiErrors.TOO_MANY_REQUESTS })
    .route({
      ...tag,
      method: "POST",
      path: "/accounts/prelogin",
      summary: "The key-derivation parameters of an address (plausible ones for unknown addresses)",
      description:
        "Returns the Argon2id parameters and salt a client needs to derive its keys before signing in. For an address with no account the answer is the default parameters and a salt that is stable for that address, so the answer does not reveal whether an account exists. Rate-limited per client IP.",
    })
    .input(z.object({ address: addressSchema }))
    .output(z.object({ kdf: kdfParamsSchema, salt: kdfSaltSchema })),

  login: publicRoute
    .errors({
      INVALID_CREDENTIALS: apiErrors.INVALID_CREDENTIALS,
      DEVICE_REVOKED: apiErrors.DEVICE_REVOKED,
      TOO_MANY_REQUESTS: apiErrors.TOO_MANY_REQUESTS,
    })
    .route({
      ...tag,
      method: "POST",
      path: "/sessions",
      successStatus: 201,
      summary: "Sign in a device: returns a session token",
      description:
        "Signs a device in with the authentication secret derived from the master password and the Secret Key. The session token in the answer is sent as `Authorization: Bearer <token>` on every other route; it expires at `expiresAt` (30 days by default) or when the device is revoked. Rate-limited per client IP, and failed attempts per address.",
    })
    .input(
      z.object({ address: addressSchema, authSecret: authSecretSchema, device: deviceInputSchema }),
    )
    .output(sessionSchema),

  logout: sessionRoute
    .route({
      ...tag,
      method: "DELETE",
      path: "/sessions/current",
      summary: "End this session",
      description:
        "Deletes this session: its token fails from now on and any head stream it opened ends.",
    })
    .output(z.object({ ok: z.literal(true) })),

  get: sessionRoute
    .route({
      ...tag,
      method: "GET",
      path: "/account",
      summary: "This account and its vault keys",
      description:
        "The account's address, key-derivation parameters and salt, its vaults with their wrapped keys, and the device id of this session.",
    })
    .output(
      accountSchema.extend({
        deviceId: deviceIdSchema,
        requireApproval: z
          .boolean()
          .optional()
          .describe("Whether this server requires that a new device be approved (16.10)"),
      }),
    ),

  setApproval: sessionRoute
    .errors({ DEVICE_PENDING: apiErrors.DEVICE_PENDING })
    .route({
      ...tag,
      method: "PUT",
      path: "/account/approval",
      summary: "Require (or stop requiring) that a new device be approved on an existing one",
      description:
        "Sets whether a newly signed-in device of this account waits (pending: DEVICE_PENDING on every vault route) until an existing device approves it. Clients sign the same setting into the vault's log first, so devices notice a server that does not enforce it (docs/PROTOCOL.md 16.10).",
    })
    .input(z.object({ required: z.boolean() }))
    .output(z.object({ required: z.boolean() })),

  changeCredentials: sessionRoute
    .errors({
      INVALID_CREDENTIALS: apiErrors.INVALID_CREDENTIALS,
      VAULT_SET_MISMATCH: apiErrors.VAULT_SET_MISMATCH,
      TOO_MANY_REQUESTS: apiErrors.TOO_MANY_REQUESTS,
    })
    .route({
      ...tag,
      method: "PUT",
      path: "/account/credentials",
      summary: "Replace the verifier, KDF parameters and every wrapped vault key at once",
      description:
        "Changes the master password: proves the current authentication secret and replaces, in one transaction, the verifier, the key-derivation parameters and salt, and the wrapped key of every vault of the account (exactly that set). Sessions stay valid.",
    })
    .input(
      z.object({
        currentAuthSecret: authSecretSchema,
        authSecret: authSecretSchema,
        kdf: kdfParamsSchema,
        salt: kdfSaltSchema,
        vaults: z.array(vaultKeySchema).max(1000),
      }),
    )
    .output(z.object({ ok: z.literal(true) })),
};
