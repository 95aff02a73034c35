/**
 * What the web app's browser tests share: the app built into a temporary folder and served by a
 * real KeyPears server, axe-core scans with screenshots (into docs/screenshots/ only with
 * KEYPEARS_SCREENSHOTS=1, else a temporary folder), and the steps a person takes again and again.
 */

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";
import type { ServerOptions } from "@keypears/server";
import { startTestServer, type TestServer } from "@keypears/server/testing";
import { WEB_ROOT } from "../vite.config.ts";

export interface WebFixture {
  readonly outDir: string;
  readonly server: TestServer;
  readonly url: string;
  readonly close: () => Promise<void>;
}

const keepShots = process.env["KEYPEARS_SCREENSHOTS"] === "1";
const shotsDir = keepShots
  ? fileURLToPath(new URL("../../../docs/screenshots/", import.meta.url))
  : mkdtempSync(join(tmpdir(), "keypears-shots-"));

/** Builds the app into a temporary folder (removed by the caller). */
export const buildWebApp = async (): Promise<string> => {
  const { build } = await import("vite");
  const outDir = mkdtempSync(join(tmpdir(), "keypears-web-"));
  await build({
    configFile: join(WEB_ROOT, "vite.config.ts"),
    logLevel: "error",
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
};

/** A port no one listens on now (for a server whose domain names its port). */
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

/**
 * Builds the app and starts a server that serves it: domain example.test, or with `localDomain`
 * the domain `localhost:PORT` (its own address, as `keypears serve` on this machine: another
 * server and the browser find it through its discovery document, as sharing needs).
 */
export const startWebFixture = async (
  options: {
    readonly localDomain?: boolean;
    readonly outDir?: string;
    /** More options of the server (its limits, for example). */
    readonly server?: Partial<ServerOptions>;
  } = {},
): Promise<WebFixture> => {
  const outDir = options.outDir ?? (await buildWebApp());
  const port = options.localDomain === true ? await freePort() : 0;
  const server = await startTestServer({
    ...(options.localDomain === true
      ? {
          domain: `localhost:${port}`,
          port,
          sharing: { initialBackoffMs: 100, maxBackoffMs: 400, pollMs: 100 },
        }
      : { domain: "example.test" }),
    webRoot: outDir,
    ...options.server,
  });
  return {
    outDir,
    server,
    url: options.localDomain === true ? `http://localhost:${port}` : server.server.url,
    close: async () => {
      await server.close();
      if (options.outDir === undefined) rmSync(outDir, { recursive: true, force: true });
      if (!keepShots) rmSync(shotsDir, { recursive: true, force: true });
    },
  };
};

/** Scans the page with axe-core (serious and critical findings are returned) and photographs it. */
export const checkScreen = async (page: Page, name: string): Promise<readonly string[]> => {
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({
    path: join(shotsDir, `${name}-${width < 600 ? "phone" : "desktop"}.png`),
  });
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${name}: ${v.id} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
};

/** Passes the recovery kit (returns its Secret Key) and unlocks. */
export const passKitAndUnlock = async (page: Page, password: string): Promise<string> => {
  await page.getByRole("heading", { name: "Your recovery kit" }).waitFor({ timeout: 30_000 });
  const kit = (await page.getByLabel("Recovery kit", { exact: true }).textContent()) ?? "";
  const secretKey = /K1-[A-Z0-9-]+/.exec(kit)?.[0];
  if (secretKey === undefined) throw new Error("the recovery kit shows no Secret Key");
  await page.getByLabel("I have saved my recovery kit").check();
  await page.getByRole("button", { name: "Continue" }).click();
  await unlockAs(page, password);
  return secretKey;
};

/** Creates an account on the fixture's server and unlocks it; returns the Secret Key. */
export const createServerAccount = async (
  page: Page,
  url: string,
  account: { readonly name: string; readonly password: string; readonly device?: string },
): Promise<string> => {
  await page.goto(url);
  await page.getByLabel("On this server (syncs between devices)").check();
  await page.getByLabel("Name", { exact: true }).fill(account.name);
  if (account.device !== undefined)
    await page.getByLabel("Name of this device").fill(account.device);
  await page.getByLabel("Master password", { exact: true }).fill(account.password);
  await page.getByLabel("Confirm master password").fill(account.password);
  await page.getByRole("button", { name: "Create account" }).click();
  return passKitAndUnlock(page, account.password);
};

/** Creates a local-only account (name@localhost) and unlocks it. */
export const createLocalAccount = async (
  page: Page,
  url: string,
  account: { readonly name: string; readonly password: string },
): Promise<void> => {
  await page.goto(url);
  await page.getByLabel("Only in this browser").check();
  await page.getByLabel("Name", { exact: true }).fill(account.name);
  await page.getByLabel("Master password", { exact: true }).fill(account.password);
  await page.getByLabel("Confirm master password").fill(account.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await passKitAndUnlock(page, account.password);
};

export const unlockAs = async (page: Page, password: string): Promise<void> => {
  await page.getByLabel("Master password").fill(password);
  await page.getByRole("button", { name: "Unlock" }).last().click();
  await page.getByRole("button", { name: "Lock", exact: true }).waitFor({ timeout: 30_000 });
};

/** Adds an item of type login with these fields from the New item form. */
export const addLogin = async (
  page: Page,
  fields: { readonly title: string; readonly username?: string; readonly password?: string },
): Promise<void> => {
  await page.getByRole("button", { name: "New item" }).click();
  await page.getByLabel("Title").fill(fields.title);
  if (fields.username !== undefined) await page.getByLabel("Username").fill(fields.username);
  if (fields.password !== undefined)
    await page.getByLabel("Password", { exact: true }).fill(fields.password);
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByRole("heading", { name: fields.title }).waitFor();
};

/**
 * Runs a step; if it fails (a wait timed out), the error also says what the page showed then:
 * its headings, alerts and statuses, so a failure in CI can be read without a rerun.
 */
export const explained = async <T>(page: Page, step: () => Promise<T>): Promise<T> => {
  try {
    return await step();
  } catch (error) {
    const shown = await page
      .evaluate(() => {
        // Runs in the page (this file is also type-checked without the DOM's types).
        interface Shown {
          readonly tagName: string;
          readonly textContent: string | null;
          readonly disabled?: boolean;
          getAttribute(name: string): string | null;
        }
        const { document } = globalThis as unknown as {
          readonly document: { querySelectorAll(selector: string): Iterable<Shown> };
        };
        return [...document.querySelectorAll("h1, h2, h3, [role=alert], [role=status], button")]
          .map((el) => {
            const role = el.getAttribute("role");
            const text = (el.textContent ?? "").trim().slice(0, 120);
            return `${el.tagName.toLowerCase()}${role === null ? "" : `[${role}]`}: ${text}${el.disabled === true ? " (disabled)" : ""}`;
          })
          .join("\n");
      })
      .catch((reason: unknown) => `(the page could not be read: ${String(reason)})`);
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\nThe page showed:\n${shown}`,
      {
        cause: error,
      },
    );
  }
};

export const syncStatus = (page: Page) => page.getByRole("status", { name: "Sync status" });

/** Waits until the badge says everything is synced and verified; returns the verified position. */
export const waitSynced = async (page: Page, timeout = 30_000): Promise<number> => {
  await syncStatus(page)
    .filter({ hasText: /^Synced, verified to #\d+$/ })
    .waitFor({ timeout });
  return Number(/#(\d+)/.exec((await syncStatus(page).textContent()) ?? "")?.[1]);
};

/** Every file under a folder (a browser profile), for a search of plaintext. */
export const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((name) => join(dir, name))
    .filter((path) => {
      try {
        return statSync(path).isFile();
      } catch {
        return false;
      }
    });

/** The files under `dir` that hold any of `secrets` in plaintext (UTF-8 or UTF-16). */
export const plaintextLeaks = (dir: string, secrets: readonly string[]): string[] =>
  filesUnder(dir).filter((path) => {
    const bytes = readFileSync(path);
    return secrets.some(
      (secret) => bytes.includes(secret) || bytes.includes(Buffer.from(secret, "utf16le")),
    );
  });
