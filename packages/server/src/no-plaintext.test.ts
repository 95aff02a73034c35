import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { boundedIt } from "@keypears/base/testing";
import { after } from "node:test";
import { startServer } from "./server.ts";
import { encodings, runSecretScenario } from "./testing/secret-scenario.ts";

const it = boundedIt();

const dataDir = mkdtempSync(join(tmpdir(), "keypears-grep-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );

it("stores exactly the ciphertext it was given, and no plaintext, token or secret reaches its files or logs", async () => {
  const logs: string[] = [];
  const server = await startServer({
    domain: "example.test",
    port: 0,
    database: { kind: "embedded", dataDir },
    log: (line) => logs.push(line),
    logLevel: "debug",
  });
  const secrets = await runSecretScenario(server.apiUrl, server.domain);
  await server.close();

  const files = filesUnder(dataDir).map((path) => ({ path, bytes: readFileSync(path) }));
  const found = (needle: Buffer) =>
    files.filter((file) => file.bytes.includes(needle)).map((f) => f.path);
  // The control: the ciphertexts are in the files, so the search does see what was stored.
  for (const ciphertext of secrets.ciphertexts) {
    assert.ok(found(Buffer.from(ciphertext)).length > 0, "a stored ciphertext is found on disk");
  }
  for (const plaintext of secrets.plaintexts) {
    assert.deepEqual(found(Buffer.from(plaintext)), [], `plaintext ${plaintext} on disk`);
  }
  for (const secret of secrets.secretBytes) {
    for (const encoded of encodings(secret))
      assert.deepEqual(found(encoded), [], "a secret on disk");
  }

  const log = logs.join("\n");
  assert.ok(logs.length > 5, "the server did log the requests");
  for (const plaintext of secrets.plaintexts)
    assert.ok(!log.includes(plaintext), "plaintext in the logs");
  for (const value of [...secrets.secretBytes, ...secrets.ciphertexts]) {
    for (const encoded of encodings(value)) {
      assert.ok(
        !log.includes(encoded.toString("latin1")),
        "a secret or a ciphertext body in the logs",
      );
    }
  }
  assert.ok(!log.includes("alice@"), "no addresses in the logs");
});
