import assert from "node:assert/strict";
import { test } from "node:test";
import { shownCommand } from "./run-cli.ts";

test("a failing command is shown with the values of secret options masked", () => {
  assert.equal(
    shownCommand(["add", "--title", "Bank", "--password", "s3cret", "--username", "alice"]),
    "keypears add --title Bank --password *** --username alice",
  );
  assert.equal(
    shownCommand(["import", "x.json", "--file-password", "pw", "--secret-key", "A3-XYZ"]),
    "keypears import x.json --file-password *** --secret-key ***",
  );
  // A value read from stdin is not a secret on the command line.
  assert.equal(
    shownCommand(["edit", "Bank", "--password", "-"]),
    "keypears edit Bank --password -",
  );
});
