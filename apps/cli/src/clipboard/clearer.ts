/**
 * The process `keypears copy` leaves behind: after the delay it empties the clipboard, but only
 * if the clipboard still holds what was copied (compared by SHA-256, so this process is never
 * given the value itself). Started detached, it outlives the command and the agent.
 */

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { keypearsBin } from "../agent/bin-path.ts";
import { type ClipboardToolName, openClipboard } from "./clipboard.ts";

interface ClearerStart {
  readonly tool: ClipboardToolName;
  readonly env: Readonly<Record<string, string>>;
  readonly delayMs: number;
  readonly sha256: string;
}

export const sha256Hex = (value: string): string =>
  createHash("sha256").update(value, "utf8").digest("hex");

/** Starts the clearer for `value`; resolves with its process id. */
export const startClearer = (
  tool: ClipboardToolName,
  env: NodeJS.ProcessEnv,
  delayMs: number,
  value: string,
): number => {
  const cleanEnv: Record<string, string> = {};
  for (const [name, text] of Object.entries(env))
    if (
      text !== undefined &&
      !name.startsWith("KEYPEARS_PASSWORD") &&
      name !== "KEYPEARS_SECRET_KEY"
    )
      cleanEnv[name] = text;
  const child = spawn(process.execPath, [keypearsBin(), "__clear-clipboard"], {
    detached: true,
    stdio: ["pipe", "ignore", "ignore"],
    env: cleanEnv,
  });
  const start: ClearerStart = { tool, env: cleanEnv, delayMs, sha256: sha256Hex(value) };
  child.stdin.end(JSON.stringify(start));
  child.unref();
  return child.pid ?? 0;
};

export const runClipboardClearer = async (): Promise<void> => {
  let text = "";
  for await (const chunk of process.stdin) text += String(chunk);
  const start = JSON.parse(text) as ClearerStart;
  await new Promise((resolve) => setTimeout(resolve, start.delayMs));
  const clipboard = openClipboard(start.tool, start.env);
  // A failed read is tried again: it may be a moment when the selection changes hands, and giving
  // up would leave the secret on the clipboard. An empty clipboard fails every try, at no harm.
  let held: string | undefined;
  for (let attempt = 0; attempt < 3 && held === undefined; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 200));
    held = await clipboard.read();
  }
  if (held !== undefined && sha256Hex(held) === start.sha256) await clipboard.clear();
};
