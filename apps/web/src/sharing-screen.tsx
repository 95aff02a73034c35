/**
 * Sharing: the inbox (each share verified against its sender's pinned keys before it shows as
 * from them; accept copies it into the vault, decline deletes it, block refuses the sender from
 * now on), the contacts, with this account's safety number and each pinned contact's, to compare
 * out of band and mark verified, and the blocked senders. The inbox is read when the screen
 * opens, after each sync of the vault, and when the server pushes an inbox change (the worker
 * follows the account's inbox stream): no polling.
 */

import { useEffect, useState } from "preact/hooks";
import type { ContactsView, InboxShare, VaultClient } from "@keypears/vault-browser";
import { describeFailure } from "./errors.ts";
import { displayField } from "./field-labels.ts";
import { when } from "./history-view.tsx";
import type { SectionProps } from "./section-types.ts";

/** A pause after a failed wait (locked, the owning tab changed) before waiting again. */
const RETRY_MS = 2000;

export const SharingScreen = ({ vault, address, onOpenItem }: SectionProps) => {
  // Each read of the inbox may have pinned a sender: the contacts are read again after it.
  const [reads, setReads] = useState(0);
  // Blocking from the inbox or the contacts changes the blocked list below.
  const [blocks, setBlocks] = useState(0);
  if (address.endsWith("@localhost"))
    return (
      <section aria-labelledby="sharing-title">
        <h2 id="sharing-title">Sharing</h2>
        <p role="note">
          {address} lives only in this browser: it has no server, so it can neither send nor receive
          shares. Create an account on a server to share with other addresses.
        </p>
      </section>
    );
  return (
    <section aria-labelledby="sharing-title">
      <h2 id="sharing-title">Sharing</h2>
      <p class="sub">
        To share an item, open it and choose Share. Shares are end-to-end encrypted: the servers see
        who shares with whom, never what.
      </p>
      <Inbox
        vault={vault}
        address={address}
        onOpenItem={onOpenItem}
        onRead={() => setReads((n) => n + 1)}
        onBlocked={() => setBlocks((n) => n + 1)}
      />
      <Contacts
        vault={vault}
        address={address}
        reads={reads}
        onBlocked={() => setBlocks((n) => n + 1)}
      />
      <BlockedSenders vault={vault} address={address} changes={blocks} />
    </section>
  );
};

const Inbox = ({
  vault,
  address,
  onOpenItem,
  onRead,
  onBlocked,
}: SectionProps & { readonly onRead: () => void; readonly onBlocked: () => void }) => {
  const [shares, setShares] = useState<readonly InboxShare[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [notice, setNotice] = useState("");
  const [round, setRound] = useState(0);
  const [verified, setVerified] = useState<number | null>(null);
  useEffect(
    () =>
      vault.watch(address, { kind: "sync-status" }, (status) =>
        setVerified(status.verified.position),
      ),
    [address],
  );
  useEffect(() => {
    let current = true;
    vault.shareInbox(address).then(
      (read) => {
        if (!current) return;
        if (read.ok) {
          setShares(read.value);
          setFailure(null);
        } else setFailure(read.error.message);
        onRead();
      },
      (error: unknown) => current && setFailure(describeFailure(error)),
    );
    return () => {
      current = false;
    };
  }, [address, round, verified]);
  useEffect(() => {
    // Pushed: each answer is a change of the inbox on the server (or a 25 s timeout, unchanged).
    let stopped = false;
    let seen = -1;
    void (async () => {
      while (!stopped) {
        try {
          const revision = await vault.waitForInbox(address, seen);
          if (stopped) return;
          if (revision !== seen && seen !== -1) setRound((n) => n + 1);
          seen = revision;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        }
      }
    })();
    return () => {
      stopped = true;
    };
  }, [address]);

  const act = async (share: InboxShare, action: "accept" | "decline" | "block"): Promise<void> => {
    setNotice("");
    try {
      if (action === "block") {
        const blocked = await vault.blockSender(address, share.from, true);
        if (!blocked.ok) return setFailure(blocked.error.message);
        setNotice(
          `Blocked ${share.from}: your server refuses their shares from now on. Decline this one to delete it.`,
        );
        setFailure(null);
        onBlocked();
        return;
      }
      if (action === "accept") {
        const accepted = await vault.acceptShare(address, share.id);
        if (!accepted.ok) return setFailure(accepted.error.message);
        setNotice(
          `Accepted "${accepted.value.title}" from ${accepted.value.from}: it is in your items.`,
        );
        onOpenItem(accepted.value.itemId);
      } else {
        const declined = await vault.declineShare(address, share.id);
        if (!declined.ok) return setFailure(declined.error.message);
        setNotice(`Declined the share from ${share.from}: it is deleted.`);
      }
      setFailure(null);
      setRound((n) => n + 1);
    } catch (error) {
      setFailure(describeFailure(error));
    }
  };

  return (
    <section aria-labelledby="inbox-title">
      <h3 id="inbox-title">Inbox</h3>
      {failure !== null && (
        <p class="error" role="alert">
          {failure}
        </p>
      )}
      <p class="notice" role="status">
        {notice}
      </p>
      {shares === null ? (
        failure === null && <p role="status">Reading the inbox…</p>
      ) : shares.length === 0 ? (
        <p>No shares waiting.</p>
      ) : (
        <ul class="shares">
          {shares.map((share) => (
            <li key={share.id}>
              <article
                aria-label={`Share from ${share.from}${share.valid ? `: ${share.content.title}` : ""}`}
              >
                {share.valid ? (
                  <>
                    <p>
                      <strong>{share.content.title}</strong> from {share.from}{" "}
                      <span class={share.verifiedContact ? "badge" : "badge warn"}>
                        {share.verifiedContact ? "verified contact" : "safety number not compared"}
                      </span>
                    </p>
                    {share.content.message !== undefined && <p>“{share.content.message}”</p>}
                    <p class="sub">
                      Fields:{" "}
                      {Object.entries(share.content.fields)
                        .map(([name, value]) => displayField(name, value as never, false).label)
                        .join(", ")}
                      . Received {when(Date.parse(share.receivedAt))}; expires{" "}
                      {when(share.expiresAt)}.
                    </p>
                  </>
                ) : (
                  <p class="warn-box">
                    A share claiming to be from {share.from} failed its checks: {share.problem}.
                    Decline it.
                  </p>
                )}
                <div class="actions">
                  {share.valid && (
                    <button type="button" onClick={() => void act(share, "accept")}>
                      Accept
                    </button>
                  )}
                  <button type="button" onClick={() => void act(share, "decline")}>
                    Decline
                  </button>
                  <button type="button" onClick={() => void act(share, "block")}>
                    Block {share.from}
                  </button>
                </div>
              </article>
            </li>
          ))}
        </ul>
      )}
      <div class="actions">
        <button type="button" onClick={() => setRound((n) => n + 1)}>
          Check for shares
        </button>
      </div>
    </section>
  );
};

const Contacts = ({
  vault,
  address,
  reads,
  onBlocked,
}: {
  readonly vault: VaultClient;
  readonly address: string;
  readonly reads: number;
  readonly onBlocked: () => void;
}) => {
  const [view, setView] = useState<ContactsView | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    vault.contacts(address).then(
      (read) => current && (read.ok ? setView(read.value) : setFailure(read.error.message)),
      (error: unknown) => current && setFailure(describeFailure(error)),
    );
    return () => {
      current = false;
    };
  }, [address, round, reads]);

  const verify = async (contact: string, repin: boolean): Promise<void> => {
    if (
      repin &&
      !confirm(
        `Trust the keys ${contact}'s server serves now? Only do this after ${contact} read you the safety number shown here, over a channel you trust.`,
      )
    )
      return;
    try {
      const done = await vault.verifyContact(address, contact, repin);
      if (!done.ok) setFailure(done.error.message);
      else setFailure(null);
      setRound((n) => n + 1);
    } catch (error) {
      setFailure(describeFailure(error));
    }
  };

  const block = async (contact: string): Promise<void> => {
    if (!confirm(`Block ${contact}? Your server will refuse every share from ${contact}.`)) return;
    try {
      const done = await vault.blockSender(address, contact, true);
      if (!done.ok) setFailure(done.error.message);
      else {
        setFailure(null);
        onBlocked();
      }
    } catch (error) {
      setFailure(describeFailure(error));
    }
  };

  return (
    <section aria-labelledby="contacts-title">
      <h3 id="contacts-title">Contacts</h3>
      <p>
        Your safety number ({address}):{" "}
        <span class="safety-number" aria-label="Your safety number">
          {view?.self.safetyNumber ?? "none yet"}
        </span>
      </p>
      <p class="sub">
        Read your numbers to each other over a channel you trust (in person, a call). When the
        number shown here for a contact is the one they read to you, mark it verified.
      </p>
      {failure !== null && (
        <p class="error" role="alert">
          {failure}
        </p>
      )}
      {view !== null && view.contacts.length === 0 && (
        <p>No contacts yet: they are added when you share or receive.</p>
      )}
      {view !== null && view.contacts.length > 0 && (
        <ul class="devices" aria-label="Contacts">
          {view.contacts.map((contact) => (
            <li key={contact.address}>
              <article aria-label={`Contact ${contact.address}`}>
                <p>
                  <strong>{contact.address}</strong>{" "}
                  <span class={contact.verified ? "badge" : "badge warn"}>
                    {contact.verified ? "verified" : "not verified"}
                  </span>
                </p>
                <p class="safety-number">{contact.safetyNumber}</p>
                <div class="actions">
                  {!contact.verified && (
                    <button type="button" onClick={() => void verify(contact.address, false)}>
                      Mark {contact.address} verified
                    </button>
                  )}
                  <button type="button" onClick={() => void verify(contact.address, true)}>
                    Trust the new keys of {contact.address}
                  </button>
                  <button type="button" onClick={() => void block(contact.address)}>
                    Block {contact.address}
                  </button>
                </div>
              </article>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
};

/** The senders this account's server refuses shares from, each with Unblock. */
const BlockedSenders = ({
  vault,
  address,
  changes,
}: {
  readonly vault: VaultClient;
  readonly address: string;
  readonly changes: number;
}) => {
  const [blocked, setBlocked] = useState<readonly string[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    vault.blockedSenders(address).then(
      (read) => {
        if (!current) return;
        if (read.ok) {
          setBlocked(read.value);
          setFailure(null);
        } else setFailure(read.error.message);
      },
      (error: unknown) => current && setFailure(describeFailure(error)),
    );
    return () => {
      current = false;
    };
  }, [address, changes, round]);

  const unblock = async (sender: string): Promise<void> => {
    try {
      const done = await vault.blockSender(address, sender, false);
      if (!done.ok) setFailure(done.error.message);
      setRound((n) => n + 1);
    } catch (error) {
      setFailure(describeFailure(error));
    }
  };

  return (
    <section aria-labelledby="blocked-title">
      <h3 id="blocked-title">Blocked senders</h3>
      {failure !== null && (
        <p class="error" role="alert">
          {failure}
        </p>
      )}
      {blocked !== null && blocked.length === 0 && <p>Nobody is blocked.</p>}
      {blocked !== null && blocked.length > 0 && (
        <ul class="devices" aria-label="Blocked senders">
          {blocked.map((sender) => (
            <li key={sender}>
              <span>{sender}</span>{" "}
              <button type="button" onClick={() => void unblock(sender)}>
                Unblock {sender}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
};
