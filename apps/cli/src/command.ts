/** What a command is: its options and help, and the function that runs it with everything it needs. */

import type { HeldVault } from "./agent/daemon.ts";
import type { CliIo } from "./io.ts";
import type { Output } from "./output.ts";
import type { SyncServices } from "./sync-services.ts";

export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly multiple?: boolean;
  readonly short?: string;
  /** Shown in help after the flag, e.g. `--length <n>`. */
  readonly valueName?: string;
  readonly description: string;
  /** A secret value: `-` reads it from stdin and no value asks for it (see secret-input.ts). */
  readonly secret?: boolean;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type ValueOf<S> = S extends { readonly type: "boolean" }
  ? boolean
  : S extends { readonly multiple: true }
    ? string[]
    : string;

export type OptionValues<O> = { readonly [K in keyof O]?: ValueOf<O[K]> };

export interface CommandContext<O extends OptionSpecs = OptionSpecs> {
  readonly name: string;
  readonly values: OptionValues<O>;
  readonly positionals: readonly string[];
  readonly json: boolean;
  /** `--account`, else `KEYPEARS_ACCOUNT`. */
  readonly account: string | undefined;
  readonly passwordStdin: boolean;
  readonly home: string;
  readonly io: CliIo;
  readonly out: Output;
  readonly syncServices: () => Promise<SyncServices>;
  /** Set when the command runs inside the agent (`keypears unlock`): its unlocked vault. */
  readonly held?: HeldVault;
}

export interface Command<O extends OptionSpecs = OptionSpecs> {
  /** After `keypears`, e.g. `add --title <title> [options]`. */
  readonly usage: string;
  readonly description: string;
  readonly options: O;
  readonly positionals: { readonly min: number; readonly max: number };
  readonly examples: readonly string[];
  /** Resolves to the exit code, or to nothing for 0. Fails by throwing a `CliError`. */
  readonly run: (ctx: CommandContext<O>) => Promise<number | void>;
}

/** Infers a command's option values from its option specs, then erases them for the registry. */
export const defineCommand = <const O extends OptionSpecs>(command: Command<O>): Command =>
  command as unknown as Command;
