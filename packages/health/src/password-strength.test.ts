import assert from "node:assert/strict";
import { test } from "node:test";
import { unwrap } from "@keypears/base";
import { generatePassphrase, generatePassword } from "@keypears/crypto";
import { estimateStrength, isWeak, type StrengthReason } from "./password-strength.ts";

test("known weak passwords are weak, each with the reason a person can act on", () => {
  const cases: [string, StrengthReason][] = [
    ["password", "common-password"],
    ["P@$$w0rd", "common-password"],
    ["xcvbnm,./", "keyboard-pattern"],
    ["aaaaaaaaaaaa", "repeat"],
    ["abcdefghij", "sequence"],
    ["Summer2019", "date"],
    ["kP7#", "too-short"],
  ];
  for (const [password, reason] of cases) {
    const strength = estimateStrength(password);
    assert.ok(isWeak(strength), `${password} scored ${strength.score}`);
    assert.ok(strength.reasons.includes(reason), `${password}: ${strength.reasons.join(", ")}`);
    assert.ok(strength.crackSeconds < 1e8, `${password}: ${strength.crackTime}`);
  }
});

test("generated passwords and passphrases are strong, with a guessing time of centuries", () => {
  for (let i = 0; i < 5; i++) {
    for (const password of [
      unwrap(generatePassword({ length: 20 })).password,
      unwrap(generatePassphrase({ words: 6 })).password,
    ]) {
      const strength = estimateStrength(password);
      assert.equal(strength.score, 4, password);
      assert.equal(strength.crackTime, "centuries");
      assert.ok(!isWeak(strength));
    }
  }
});

test("user inputs make a password built from the site or the user name weaker", () => {
  const password = "keypearsalice1";
  assert.ok(
    estimateStrength(password, ["keypears", "alice"]).guessesLog10 <
      estimateStrength(password).guessesLog10,
  );
});
