import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { it } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });

it("cannot decrypt, by construction: neither its code nor its dependencies reach @keypears/crypto", () => {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const declared = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
  assert.ok(!declared.includes("@keypears/crypto"));
  const files = sources(join(root, "src"));
  assert.ok(files.length > 20);
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    assert.ok(!/from\s+["']@keypears\/(crypto|vault)/.test(text), `${file} imports client crypto`);
  }
  // The API package it shares with clients stays free of it too.
  const api = JSON.parse(readFileSync(join(root, "..", "api", "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  assert.ok(!Object.keys(api.dependencies ?? {}).includes("@keypears/crypto"));
});
