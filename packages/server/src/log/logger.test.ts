import assert from "node:assert/strict";
import { test } from "node:test";
import { createLogger, type LogFields } from "./logger.ts";

test("writes one JSON line per entry with time, level, message and allowed fields", () => {
  const lines: string[] = [];
  const log = createLogger({ write: (line) => lines.push(line), now: () => 0 });
  log.info("request", { method: "GET", status: 200, ms: 3, requestId: "ab" });
  assert.deepEqual(JSON.parse(lines[0] ?? ""), {
    time: "1970-01-01T00:00:00.000Z",
    level: "info",
    msg: "request",
    method: "GET",
    status: 200,
    ms: 3,
    requestId: "ab",
  });
});

test("drops fields not on the allowlist, so a body or a token cannot be logged by mistake", () => {
  const lines: string[] = [];
  const log = createLogger({ write: (line) => lines.push(line) });
  const sneaky = { route: "/x", token: "SECRET-TOKEN", body: "SECRET-BODY", authorization: "x" };
  log.warn("oops", sneaky as LogFields);
  assert.doesNotMatch(lines.join("\n"), /SECRET|authorization/);
  assert.equal(JSON.parse(lines[0] ?? "").route, "/x");
});

test("cuts long strings and skips entries below the level", () => {
  const lines: string[] = [];
  const log = createLogger({ write: (line) => lines.push(line), level: "warn" });
  log.info("hidden");
  log.error("shown", { error: "x".repeat(1000) });
  assert.equal(lines.length, 1);
  assert.equal(JSON.parse(lines[0] ?? "").error.length, 200);
});
