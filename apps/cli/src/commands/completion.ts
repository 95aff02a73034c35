/**
 * `keypears completion bash|zsh|fish`: a completion script for the shell, completing commands,
 * their flags and item titles. Titles come from the agent only (`keypears unlock`): completing
 * never unlocks, never asks for the password, and offers no titles while locked.
 */

import { usageError } from "../cli-error.ts";
import { askAgent } from "../agent/client.ts";
import { type Command, defineCommand } from "../command.ts";
import { COMMANDS } from "../command-list.ts";
import { GLOBAL_OPTIONS } from "../help.ts";

const SHELLS = ["bash", "zsh", "fish"] as const;

export const command = defineCommand({
  usage: "completion bash|zsh|fish",
  description: `
Prints a completion script for your shell. Load it from your shell's start-up file:

  bash  echo 'source <(keypears completion bash)' >> ~/.bashrc
  zsh   echo 'source <(keypears completion zsh)' >> ~/.zshrc
  fish  keypears completion fish > ~/.config/fish/completions/keypears.fish

Item titles are completed only while \`keypears unlock\` keeps the account unlocked; completion
never unlocks by itself.`,
  options: {},
  positionals: { min: 1, max: 1 },
  examples: [
    "keypears completion bash > ~/.local/share/bash-completion/completions/keypears",
    "keypears completion fish > ~/.config/fish/completions/keypears.fish",
  ],
  run: async (ctx) => {
    const [shell] = ctx.positionals;
    if (shell === "titles") {
      // Called by the scripts: the agent's titles, one a line, or nothing while locked.
      const answer = await askAgent(ctx.home, ctx.io.env, { t: "titles" });
      if (answer?.t === "titles")
        for (const title of new Set(answer.titles))
          ctx.io.stdout.write(`${title.replace(/\p{Cc}/gu, " ")}\n`);
      return;
    }
    const specs = await commandSpecs();
    switch (shell) {
      case "bash":
        ctx.io.stdout.write(bashScript(specs));
        return;
      case "zsh":
        ctx.io.stdout.write(
          // bashcompinit's `complete` registers through compinit's `compdef`: without a compinit
          // in ~/.zshrc (or under zsh -f) it would fail with "command not found: compdef".
          `# keypears completion for zsh (through bash's completion functions)\n(( $+functions[compdef] )) || { autoload -Uz compinit && compinit -u }\nautoload -U +X bashcompinit && bashcompinit\n${bashScript(specs)}`,
        );
        return;
      case "fish":
        ctx.io.stdout.write(fishScript(specs));
        return;
      default:
        throw usageError(`"${shell ?? ""}" is not one of ${SHELLS.join(", ")}`, "completion");
    }
  },
});

interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly flags: readonly { readonly flag: string; readonly description: string }[];
  readonly takesTitle: boolean;
}

const commandSpecs = async (): Promise<CommandSpec[]> =>
  Promise.all(
    COMMANDS.map(async (entry) => {
      const loaded: Command | undefined = entry.name === "serve" ? undefined : await entry.load();
      const options = { ...GLOBAL_OPTIONS, ...loaded?.options };
      return {
        name: entry.name,
        summary: entry.summary,
        flags: Object.entries(options).map(([flag, spec]) => ({
          flag: `--${flag}`,
          description: spec.description,
        })),
        takesTitle: loaded?.usage.includes("<id|title>") === true,
      };
    }),
  );

const bashScript = (specs: readonly CommandSpec[]): string => {
  const flagCases = specs
    .map((spec) => `    ${spec.name}) flags="${spec.flags.map((f) => f.flag).join(" ")}" ;;`)
    .join("\n");
  const titled = specs
    .filter((spec) => spec.takesTitle)
    .map((spec) => spec.name)
    .join("|");
  return `# keypears completion for bash: source <(keypears completion bash)
_keypears() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  local command="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      --account) ((i++)) ;;
      -*) ;;
      *) command="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  if [[ -z "$command" ]]; then
    COMPREPLY=($(compgen -W "${specs.map((s) => s.name).join(" ")} help --version --help" -- "$cur"))
    return
  fi
  local flags=""
  case "$command" in
${flagCases}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    return
  fi
  case "$command" in
    ${titled})
      local IFS=$'\\n' title
      COMPREPLY=()
      for title in $(keypears completion titles 2>/dev/null); do
        [[ "$title" == "$cur"* ]] && COMPREPLY+=("$(printf '%q' "$title")")
      done
      ;;
  esac
}
complete -F _keypears keypears
`;
};

const fishQuote = (text: string): string => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

const fishScript = (specs: readonly CommandSpec[]): string => {
  const lines = [
    "# keypears completion for fish: keypears completion fish > ~/.config/fish/completions/keypears.fish",
    "complete -c keypears -f",
  ];
  for (const spec of specs) {
    lines.push(
      `complete -c keypears -n __fish_use_subcommand -a ${spec.name} -d ${fishQuote(spec.summary)}`,
    );
    for (const { flag, description } of spec.flags)
      lines.push(
        `complete -c keypears -n '__fish_seen_subcommand_from ${spec.name}' -l ${flag.slice(2)} -d ${fishQuote(description)}`,
      );
  }
  const titled = specs.filter((spec) => spec.takesTitle).map((spec) => spec.name);
  lines.push(
    `complete -c keypears -n '__fish_seen_subcommand_from ${titled.join(" ")}' -a '(keypears completion titles 2>/dev/null)'`,
  );
  return `${lines.join("\n")}\n`;
};
