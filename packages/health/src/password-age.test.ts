import assert from "node:assert/strict";
import { test } from "node:test";
import { currentValueSince } from "./password-age.ts";
import { insecureUrls } from "./insecure-urls.ts";

test("a password is as old as the unbroken run of writes of its current value", () => {
  const entry = (at: number, value: string, current = false) => ({ at, value, current });
  assert.equal(currentValueSince([entry(10, "a"), entry(20, "b", true)]), 20);
  // Rewritten with the same value (a conflict settled by picking it): still as old as the first write.
  assert.equal(currentValueSince([entry(30, "b", true), entry(10, "a"), entry(20, "b")]), 20);
  assert.equal(currentValueSince([entry(10, "b"), entry(20, "a"), entry(30, "b", true)]), 30);
  assert.equal(currentValueSince([entry(10, "a")]), undefined);
});

test("http: URLs are insecure unless they stay on this machine", () => {
  assert.deepEqual(
    insecureUrls([
      "http://example.com/login",
      " HTTP://Example.org ",
      "https://example.com",
      "example.net",
      "http://localhost:3000",
      "http://127.0.0.1/admin",
      "http://[::1]:8080",
      "http://localhost.attacker.example",
    ]),
    ["http://example.com/login", " HTTP://Example.org ", "http://localhost.attacker.example"],
  );
});
