/** `keypears config get|set|unset`: the CLI's settings in the KeyPears home's config.json. */

import { CliError, usageError } from "../cli-error.ts";
import { defineCommand } from "../command.ts";
import {
  CONFIG_KEYS,
  type ConfigKey,
  configPath,
  readConfig,
  validateConfigValue,
  writeConfig,
} from "../config.ts";

const DESCRIPTIONS: Readonly<Record<ConfigKey, string>> = {
  defaultAccount: "the account commands use when --account is not given",
  agentTimeout: "how long `keypears unlock` stays unlocked without a command (default 15m)",
  clipboardTimeout: "how long `keypears copy` leaves a value on the clipboard (default 30s)",
  defaultServer: "the server `keypears init` and `login` use when none is given",
};

export const command = defineCommand({
  usage: "config get [<key>] | config set <key> <value> | config unset <key>",
  description: `
Reads and changes the CLI's settings, kept in config.json in the KeyPears home (KEYPEARS_HOME).

Settings:
${CONFIG_KEYS.map((key) => `  ${key.padEnd(17)} ${DESCRIPTIONS[key]}`).join("\n")}`,
  options: {},
  positionals: { min: 1, max: 3 },
  examples: [
    "keypears config get",
    "keypears config set defaultAccount alice@example.com",
    "keypears config set agentTimeout 1h",
    "keypears config unset clipboardTimeout",
  ],
  run: async (ctx) => {
    const [action, keyText, value] = ctx.positionals;
    const key = keyText === undefined ? undefined : configKey(keyText);
    const config = readConfig(ctx.home);
    switch (action) {
      case "get": {
        if (value !== undefined) throw usageError(`unexpected argument "${value}"`, "config");
        if (key === undefined) {
          if (ctx.json) ctx.out.data(config);
          else for (const k of CONFIG_KEYS) ctx.out.line(`${k} = ${config[k] ?? "(not set)"}`);
          return;
        }
        const current = config[key];
        if (ctx.json) ctx.out.data({ [key]: current ?? null });
        else if (current !== undefined) ctx.out.line(current);
        else return 1;
        return;
      }
      case "set": {
        if (key === undefined || value === undefined)
          throw usageError("write `keypears config set <key> <value>`", "config");
        const problem = validateConfigValue(key, value);
        if (problem !== undefined) throw new CliError(`${key}: ${problem}; nothing was changed`);
        writeConfig(ctx.home, { ...config, [key]: value });
        if (ctx.json) ctx.out.data({ [key]: value });
        else ctx.out.line(`${key} = ${value} (in ${configPath(ctx.home)})`);
        return;
      }
      case "unset": {
        if (key === undefined) throw usageError("write `keypears config unset <key>`", "config");
        const { [key]: _removed, ...rest } = config;
        writeConfig(ctx.home, rest);
        if (ctx.json) ctx.out.data({ [key]: null });
        else ctx.out.line(`${key} is no longer set.`);
        return;
      }
      default:
        throw usageError(`"${action ?? ""}" is not get, set or unset`, "config");
    }
  },
});

const configKey = (text: string): ConfigKey => {
  const key = CONFIG_KEYS.find((k) => k.toLowerCase() === text.toLowerCase());
  if (key === undefined)
    throw usageError(`unknown setting "${text}" (settings: ${CONFIG_KEYS.join(", ")})`, "config");
  return key;
};
