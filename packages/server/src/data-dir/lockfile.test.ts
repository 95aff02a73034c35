import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { boundedTest } from "@keypears/base/testing";
import { after } from "node:test";
import { acquireLock } from "./lockfile.ts";

const test = boundedTest();

const dir = mkdtempSync(join(tmpdir(), "keypears-lock-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("takes a free lock, writes its pid, and removes it on release", () => {
  const path = join(dir, "free.lock");
  const lock = acquireLock(path, "the data directory");
  assert.ok(lock.ok);
  assert.equal(readFileSync(path, "utf8").trim(), String(process.pid));
  lock.value.release();
  assert.equal(existsSync(path), false);
});

test("refuses a lock a live process holds, naming the pid and the path", () => {
  const path = join(dir, "held.lock");
  const first = acquireLock(path, "the data directory");
  assert.ok(first.ok);
  const second = acquireLock(path, "the data directory");
  assert.equal(second.ok, false);
  if (!second.ok) {
    assert.equal(second.error.pid, process.pid);
    assert.match(second.error.message, new RegExp(`process ${process.pid}`));
    assert.ok(second.error.message.includes(path));
  }
  first.value.release();
});

test("refuses a lock that another live process holds", async () => {
  const path = join(dir, "other.lock");
  const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
  try {
    writeFileSync(path, `${other.pid}\n`);
    const lock = acquireLock(path, "the data directory");
    assert.equal(lock.ok, false);
    assert.equal(lock.ok ? 0 : lock.error.pid, other.pid);
  } finally {
    other.kill();
  }
});

test("takes over a lock whose process has exited", () => {
  const path = join(dir, "stale.lock");
  const exited = spawnSync(process.execPath, ["-e", "0"]);
  writeFileSync(path, `${exited.pid}\n`);
  const lock = acquireLock(path, "the data directory");
  assert.ok(lock.ok, "a dead pid's lock is taken over");
  assert.equal(readFileSync(path, "utf8").trim(), String(process.pid));
  lock.value.release();
});
