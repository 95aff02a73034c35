/**
 * `vault.addMany` (imports): every item written as `add` writes it (sealed event, outbox entry,
 * history, item record) in one transaction; one bad input, or a taken id, and nothing is written;
 * the device clock is saved with the batch, so a reopened vault never reuses its timestamps.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { createHash } from "node:crypto";
import { verifyDeviceSignature } from "@keypears/crypto";
import {
  type EventId,
  eventSignatureMessage,
  type ItemId,
  parseSignedPayload,
} from "@keypears/sync-core";
import type { BackgroundSigner } from "./background-signer.ts";
import { nodeBackgroundSigner } from "./node/node-background-signer.ts";
import { unlockVault } from "./node/node-accounts.ts";
import { cheapDeps, createTestAccount, createTestHome, expectOk } from "./testing/index.ts";

const PASSWORD = "correct horse battery staple";

test("addMany writes every item as add does, in one transaction, and saves the clock with it", async () => {
  const home = createTestHome();
  const address = "alice@example.com";
  const { vault } = await createTestAccount(home.path, address, {
    serverUrl: "https://example.com",
  });
  try {
    const one = expectOk(vault.add({ fields: { title: "One by one", password: "a" } }));
    const added = expectOk(
      vault.addMany([
        { fields: { title: "First", username: "alice", password: "pw-1" } },
        { type: "note", fields: { title: "Second", notes: "text" } },
        {
          id: "01a248ec-4dcf-7b2e-9c3d-5e6f7a8b9c0d" as ItemId,
          fields: { title: "Third", urls: ["https://x.example"] },
        },
      ]),
    );
    assert.deepEqual(
      added.map((item) => [item.title, item.type]),
      [
        ["First", "login"],
        ["Second", "note"],
        ["Third", "login"],
      ],
    );
    assert.equal(added[2]?.id, "01a248ec-4dcf-7b2e-9c3d-5e6f7a8b9c0d");
    for (const item of added) {
      assert.deepEqual(expectOk(vault.get(item.id)), item, "read back as written");
      const history = expectOk(vault.history(item.id));
      for (const field of item.fields)
        assert.equal(
          history.fields.find((f) => f.name === field.name)?.entries.length,
          1,
          `${item.title}: one history entry for ${field.name}`,
        );
    }
    assert.equal(vault.sync.status().pending, 4, "each item's event waits in the outbox");
    // Every event has its own, increasing timestamp.
    const stamps = [one, ...added].map((item) => item.created.at);
    assert.deepEqual(
      [...stamps].sort((a, b) => a - b),
      stamps,
    );

    // One invalid input, or an id already taken: nothing of the batch is written.
    const before = vault.list().map((item) => item.id);
    assert.equal(
      vault.addMany([{ fields: { title: "Fine" } }, { fields: { notes: "no title" } }]).ok,
      false,
    );
    const taken = vault.addMany([
      { fields: { title: "Fine" } },
      { id: added[2]?.id as ItemId, fields: { title: "Taken" } },
    ]);
    assert.deepEqual(taken.ok ? undefined : taken.error, {
      kind: "invalid-field",
      field: "id",
      reason: "is not a free item id",
    });
    const twice = "01a248ec-4dcf-7b2e-9c3d-5e6f7a8b9c0e" as ItemId;
    assert.equal(
      vault.addMany([
        { id: twice, fields: { title: "A" } },
        { id: twice, fields: { title: "B" } },
      ]).ok,
      false,
    );
    assert.deepEqual(
      vault.list().map((item) => item.id),
      before,
    );
    assert.equal(vault.sync.status().pending, 4);

    // Inside an outer transaction that rolls back, the batch rolls back with it.
    assert.throws(() =>
      vault.transact(() => {
        expectOk(vault.addMany([{ fields: { title: "Rolled back" } }]));
        throw new Error("abort");
      }),
    );
    assert.deepEqual(
      vault.list().map((item) => item.id),
      before,
    );

    // The clock was saved with the batch: a reopened vault stamps after every item.
    vault.lock();
    const reopened = expectOk(
      await unlockVault({ home: home.path, address, password: PASSWORD, deps: cheapDeps() }),
    );
    try {
      const later = expectOk(reopened.add({ fields: { title: "Later" } }));
      assert.ok(later.created.at >= Math.max(...stamps));
      assert.ok(
        (later.fields.find((f) => f.name === "title")?.eventId ?? "") >
          (added[2]?.fields.find((f) => f.name === "title")?.eventId ?? ""),
      );
    } finally {
      reopened.lock();
    }
  } finally {
    vault.lock();
    home.remove();
  }
});

test("addMany with later versions and a trash writes the events add, edit and trash would, one each", async () => {
  const home = createTestHome();
  const { vault: many } = await createTestAccount(home.path, "alice@example.com", {
    serverUrl: "https://example.com",
  });
  const { vault: one } = await createTestAccount(home.path, "bob@example.com", {
    serverUrl: "https://example.com",
  });
  try {
    const [site, plain] = expectOk(
      many.addMany([
        {
          fields: { title: "Site", username: "u", password: "p1" },
          // The second change repeats the username: like edit, it writes only the password.
          later: [{ password: "p2" }, { password: "p3", username: "u" }],
          trashed: true,
        },
        { fields: { title: "Plain" }, later: [{}, { title: "Plain" }] },
      ]),
    );
    const byHand = expectOk(one.add({ fields: { title: "Site", username: "u", password: "p1" } }));
    expectOk(one.edit(byHand.id, { password: "p2" }));
    expectOk(one.edit(byHand.id, { password: "p3", username: "u" }));
    expectOk(one.trash(byHand.id));

    const shape = (vault: typeof many, id: string) => {
      const history = expectOk(vault.history(id));
      return {
        status: history.item.status,
        fields: history.item.fields.map((f) => [f.name, f.value]),
        history: history.fields.map((f) => [f.name, f.entries.map((e) => e.value)]),
        lifecycle: history.status.map((s) => s.action),
      };
    };
    assert.deepEqual(shape(many, site?.id ?? ""), shape(one, byHand.id));
    assert.deepEqual(shape(many, site?.id ?? "").history, [
      ["password", ["p1", "p2", "p3"]],
      ["title", ["Site"]],
      ["type", ["login"]],
      ["username", ["u"]],
    ]);
    assert.equal(site?.status, "trashed", "addMany returns each item after its last change");
    assert.equal(plain?.title, "Plain");
    // Site: add, two edits, trash; Plain: only its add (its later changes change nothing).
    assert.equal(many.sync.status().pending, 5);
    assert.equal(one.sync.status().pending, 4);

    // The items are read from the file (addMany keeps no decoded state): editing one goes on from
    // its whole history.
    expectOk(many.restore(site?.id ?? ""));
    expectOk(many.edit(site?.id ?? "", { password: "p4" }));
    assert.deepEqual(
      expectOk(many.history(site?.id ?? "", "password")).fields[0]?.entries.map((e) => e.value),
      ["p1", "p2", "p3", "p4"],
    );

    // A refused later change (an empty title) refuses the whole batch: nothing is written.
    const before = many.list({ trash: true }).map((item) => item.id);
    const pending = many.sync.status().pending;
    const refused = many.addMany([
      { fields: { title: "Fine" }, later: [{ password: "x" }] },
      { fields: { title: "Bad" }, later: [{ password: "y" }, { title: "" }] },
    ]);
    assert.deepEqual(refused.ok ? undefined : refused.error, {
      kind: "invalid-field",
      field: "title",
      reason: "must not be empty",
    });
    assert.deepEqual(
      many.list({ trash: true }).map((item) => item.id),
      before,
    );
    assert.equal(many.sync.status().pending, pending);
  } finally {
    many.lock();
    one.lock();
    home.remove();
  }
});

test("addMany refuses a later change no server would take, and writes nothing", async () => {
  const home = createTestHome();
  const { vault } = await createTestAccount(home.path, "alice@example.com", {
    serverUrl: "https://example.com",
    deps: cheapDeps({ unsafeMaxEventBytesForTests: 2048 }),
  });
  try {
    const refused = vault.addMany([
      { fields: { title: "Small" } },
      { fields: { title: "Grows" }, later: [{ notes: "x".repeat(4096) }] },
    ]);
    assert.equal(refused.ok ? "saved" : refused.error.kind, "too-large");
    assert.deepEqual(vault.list(), []);
    assert.equal(vault.sync.status().pending, 0);
  } finally {
    vault.lock();
    home.remove();
  }
});

/** A deterministic `RandomBytes` (SHA-256 in counter mode): two vaults made with it are alike. */
const seededRandom = (seed: string) => {
  let counter = 0;
  return (length: number): Uint8Array => {
    const out = new Uint8Array(length);
    for (let at = 0; at < length; at += 32)
      out.set(
        createHash("sha256")
          .update(`${seed}:${counter++}`)
          .digest()
          .subarray(0, length - at),
        at,
      );
    return out;
  };
};

/** A signer that never helps: every signature is made on the writing thread. */
const noHelp: BackgroundSigner = {
  start: () => ({ take: () => undefined, finish: () => {}, unsigned: () => 0 }),
};

test("addMany's events are the same bytes whether signed on the writing thread or a worker", async () => {
  const made = async (backgroundSigner: BackgroundSigner) => {
    const home = createTestHome();
    let clock = Date.UTC(2026, 0, 1);
    const { vault } = await createTestAccount(home.path, "alice@example.com", {
      serverUrl: "https://example.com",
      deps: cheapDeps({
        randomBytes: seededRandom("add-many"),
        now: () => clock++,
        backgroundSigner,
      }),
    });
    try {
      // Three chunks of the pipeline, the last one short; a tenth of the items with a past.
      const inputs = Array.from({ length: 150 }, (_, i) => ({
        fields: { title: `Item ${i}`, password: `pw-${i}` },
        ...(i % 10 === 0 ? { later: [{ password: `pw-${i}-b` }], trashed: i % 20 === 0 } : {}),
      }));
      expectOk(vault.addMany(inputs));
      const pending = expectOk(vault.sync.pending(1000));
      return { signingKey: vault.sync.publicKeys().signingKey, vaultId: vault.vaultId, pending };
    } finally {
      vault.lock();
      home.remove();
    }
  };
  const alone = await made(noHelp);
  const helped = await made(nodeBackgroundSigner);
  // The items' events (and the device's enrolment, which creating the account queued).
  assert.equal(alone.pending.length, 150 + 15 + 8 + 1);
  assert.deepEqual(helped.signingKey, alone.signingKey, "the same device keys");
  assert.deepEqual(
    helped.pending.map((event) => [event.id, event.payload]),
    alone.pending.map((event) => [event.id, event.payload]),
  );
  for (const event of helped.pending) {
    const parsed = parseSignedPayload(event.payload);
    assert.ok(parsed.ok, `event ${event.id} is a signed payload`);
    if (parsed.value.kind !== "item") continue;
    assert.ok(
      verifyDeviceSignature(
        helped.signingKey,
        eventSignatureMessage(helped.vaultId, event.id as EventId, parsed.value.unsigned),
        parsed.value.signature,
      ),
      `event ${event.id}'s signature verifies`,
    );
  }
});

test("a refusal in a later chunk, with the signing thread at work, writes nothing", async () => {
  const home = createTestHome();
  const { vault } = await createTestAccount(home.path, "alice@example.com", {
    serverUrl: "https://example.com",
    deps: cheapDeps({ unsafeMaxEventBytesForTests: 2048, backgroundSigner: nodeBackgroundSigner }),
  });
  try {
    const pending = vault.sync.status().pending;
    const inputs = Array.from({ length: 200 }, (_, i) => ({
      fields: { title: `Item ${i}` },
      ...(i === 190 ? { later: [{ notes: "x".repeat(4096) }] } : {}),
    }));
    const refused = vault.addMany(inputs);
    assert.equal(refused.ok ? "saved" : refused.error.kind, "too-large");
    assert.deepEqual(vault.list(), []);
    assert.equal(vault.sync.status().pending, pending);
    // The vault goes on: the same batch without the oversize change is written whole.
    expectOk(vault.addMany(inputs.map((input) => ({ fields: input.fields }))));
    assert.equal(vault.list().length, 200);
  } finally {
    vault.lock();
    home.remove();
  }
});
