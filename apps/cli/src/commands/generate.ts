/** `keypears generate`: a random password or passphrase, with its entropy. */

import { defineCommand } from "../command.ts";
import { generateSecret, GENERATOR_OPTIONS } from "../generator.ts";

export const command = defineCommand({
  usage:
    "generate [--length <n>] [--no-symbols] [--no-look-alikes] [--passphrase [--words <n>] [--separator <s>] [--capitalize] [--number]]",
  description: `
Prints a random password (20 characters from letters, digits and symbols, at least one of each)
or a passphrase of random words. Every output is equally likely; its entropy goes to stderr, so
the password alone can be piped. Nothing is stored: use \`keypears add --generate\` for that.`,
  options: GENERATOR_OPTIONS,
  positionals: { min: 0, max: 0 },
  examples: [
    "keypears generate",
    "keypears generate --length 32 --no-symbols",
    "keypears generate --passphrase --words 5",
    "keypears generate --length 16 --no-look-alikes",
    "keypears generate --passphrase --words 4 --separator ' ' --capitalize --number",
  ],
  run: async (ctx) => {
    const generated = generateSecret(ctx.values, "generate");
    if (ctx.json) {
      ctx.out.data({
        kind: generated.kind,
        password: generated.password,
        entropyBits: Math.round(generated.entropyBits * 10) / 10,
      });
      return;
    }
    ctx.out.line(generated.password);
    ctx.out.note(
      ctx.out.errStyle.dim(
        `(${generated.description}, ${generated.entropyBits.toFixed(1)} bits of entropy)`,
      ),
    );
  },
});
