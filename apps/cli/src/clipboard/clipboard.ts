/**
 * The system clipboard through the desktop's usual tools: wl-copy/wl-paste (Wayland), xclip or
 * xsel (X11), pbcopy/pbpaste (macOS), clip.exe and PowerShell (Windows, WSL). The value goes to
 * the tool on a pipe, never as an argument.
 */

import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

export type ClipboardToolName = "wl-clipboard" | "xclip" | "xsel" | "pbcopy" | "clip.exe";

interface ToolCommands {
  readonly write: readonly string[];
  readonly read: readonly string[];
  /** Empties the clipboard; without it, writing an empty value does. */
  readonly clear?: readonly string[];
}

const TOOLS: Readonly<Record<ClipboardToolName, ToolCommands>> = {
  "wl-clipboard": {
    write: ["wl-copy"],
    read: ["wl-paste", "--no-newline"],
    clear: ["wl-copy", "--clear"],
  },
  xclip: {
    write: ["xclip", "-selection", "clipboard", "-in"],
    read: ["xclip", "-selection", "clipboard", "-out"],
  },
  xsel: {
    write: ["xsel", "--clipboard", "--input"],
    read: ["xsel", "--clipboard", "--output"],
    clear: ["xsel", "--clipboard", "--clear"],
  },
  pbcopy: { write: ["pbcopy"], read: ["pbpaste"] },
  "clip.exe": {
    write: ["clip.exe"],
    read: ["powershell.exe", "-NoProfile", "-Command", "Get-Clipboard -Raw"],
  },
};

export interface Clipboard {
  readonly tool: ClipboardToolName;
  readonly write: (value: string) => Promise<void>;
  /** What the clipboard holds, or `undefined` when it holds no text. */
  readonly read: () => Promise<string | undefined>;
  readonly clear: () => Promise<void>;
}

const onPath = (command: string, env: NodeJS.ProcessEnv): boolean =>
  (env["PATH"] ?? "").split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });

/** The tool this session would use, by its display server and what is installed. */
export const findClipboardTool = (
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): ClipboardToolName | undefined => {
  const has = (name: string) => (env[name] ?? "") !== "";
  const candidates: ClipboardToolName[] = [];
  if (platform === "darwin") candidates.push("pbcopy");
  if (platform === "win32") candidates.push("clip.exe");
  if (has("WAYLAND_DISPLAY")) candidates.push("wl-clipboard");
  if (has("DISPLAY")) candidates.push("xclip", "xsel");
  if (has("WSL_DISTRO_NAME")) candidates.push("clip.exe");
  return candidates.find((tool) => onPath(TOOLS[tool].write[0] as string, env));
};

export const openClipboard = (tool: ClipboardToolName, env: NodeJS.ProcessEnv): Clipboard => {
  const commands = TOOLS[tool];
  const write = (value: string) => run(commands.write, env, value).then(() => undefined);
  return {
    tool,
    write,
    read: async () => {
      try {
        return await run(commands.read, env);
      } catch {
        // xclip and friends fail when the clipboard holds nothing (or no text).
        return undefined;
      }
    },
    clear: () =>
      commands.clear === undefined ? write("") : run(commands.clear, env).then(() => undefined),
  };
};

const TOOL_TIMEOUT_MS = 10_000;

/**
 * Runs a clipboard tool, `input` on its stdin; resolves with its stdout. Waits for the tool's
 * exit, not for its pipes to close: xclip and wl-copy leave a child serving the selection.
 */
const run = (
  [command, ...args]: readonly string[],
  env: NodeJS.ProcessEnv,
  input?: string,
): Promise<string> =>
  new Promise((resolve, reject) => {
    const reading = input === undefined;
    const child = spawn(command as string, args, {
      env,
      // A reading tool gets no stdin: writing even "" to a tool that exited at once (xclip -out)
      // raised EPIPE, unhandled, and killed the process, the clearer included (the copied value
      // then stayed on the clipboard).
      stdio: [reading ? "ignore" : "pipe", reading ? "pipe" : "ignore", "ignore"],
    });
    let output = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${command} did not finish`));
    }, TOOL_TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    const finished = (code: number | null) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${command} exited with ${code ?? "a signal"}`));
    };
    // Reading: all of stdout has arrived once it closes; writing: the tool's exit is enough.
    if (reading) child.on("close", finished);
    else child.on("exit", finished);
    // A writing tool that exits before reading all of its input fails by its exit code, not by
    // an EPIPE thrown from the pipe.
    child.stdin?.on("error", () => {});
    child.stdin?.end(input);
  });
