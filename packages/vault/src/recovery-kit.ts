/** The recovery kit: what a person prints and keeps to get their account back on a new device. */

export interface RecoveryKitInput {
  readonly address: string;
  readonly secretKey: string;
  readonly serverUrl: string | null;
  readonly createdAt: number;
}

export const recoveryKitText = (kit: RecoveryKitInput): string =>
  [
    "KeyPears recovery kit",
    "=====================",
    "",
    `Account:     ${kit.address}`,
    `Server:      ${kit.serverUrl ?? "none (local-only account)"}`,
    `Created:     ${new Date(kit.createdAt).toISOString()}`,
    `Secret Key:  ${kit.secretKey}`,
    "",
    "Master password: ______________________________",
    "",
    "To unlock this account on a new device you need both the master password and the Secret Key.",
    "Nobody can recover them for you: not the server, not KeyPears. Print this page, write your",
    "master password on it if you wish, and keep it somewhere safe.",
    "",
  ].join("\n");
