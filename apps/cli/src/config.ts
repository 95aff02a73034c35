/**
 * The CLI's settings, in `config.json` in the KeyPears home: the default account, the agent's and
 * the clipboard's timeouts, the default server. A missing file is all defaults; a broken one is
 * an error naming it, never silently ignored.
 */

import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAddress } from "@keypears/base";
import { parseDuration } from "./agent/protocol.ts";
import { CliError } from "./cli-error.ts";

export interface CliConfig {
  readonly defaultAccount?: string;
  readonly agentTimeout?: string;
  readonly clipboardTimeout?: string;
  readonly defaultServer?: string;
}

export const CONFIG_KEYS = [
  "defaultAccount",
  "agentTimeout",
  "clipboardTimeout",
  "defaultServer",
] as const satisfies readonly (keyof CliConfig)[];

export type ConfigKey = (typeof CONFIG_KEYS)[number];

export const configPath = (home: string): string => join(home, "config.json");

export const readConfig = (home: string): CliConfig => {
  let text: string;
  try {
    text = readFileSync(configPath(home), "utf8");
  } catch {
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    throw new CliError(
      `${configPath(home)} is not valid JSON; fix it or remove it (keypears config set rewrites it)`,
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new CliError(`${configPath(home)} should hold one JSON object`);
  const config: Record<string, string> = {};
  for (const key of CONFIG_KEYS) {
    const value = (parsed as Record<string, unknown>)[key];
    if (typeof value === "string") config[key] = value;
  }
  return config;
};

/** Checks one setting's value; the message says what would be accepted. */
export const validateConfigValue = (key: ConfigKey, value: string): string | undefined => {
  switch (key) {
    case "defaultAccount":
      return parseAddress(value).ok ? undefined : `"${value}" is not an account address`;
    case "agentTimeout":
    case "clipboardTimeout":
      return parseDuration(value) === undefined
        ? `"${value}" is not a duration such as 30s, 10m or 1h (at most 24h)`
        : undefined;
    case "defaultServer": {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        return `"${value}" is not a URL`;
      }
      return url.protocol === "https:" || url.protocol === "http:"
        ? undefined
        : `"${value}" must be an http(s) URL`;
    }
  }
};

/** Writes the settings (0600, replaced whole, never half-written). */
export const writeConfig = (home: string, config: CliConfig): void => {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const path = configPath(home);
  const staging = `${path}.${process.pid}.tmp`;
  writeFileSync(staging, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  renameSync(staging, path);
};
