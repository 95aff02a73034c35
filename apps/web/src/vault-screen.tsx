/** The unlocked vault: sync status, lock, search-as-you-type over a live list, the trash, one item. */

import { useEffect, useState } from "preact/hooks";
import type { VaultClient } from "@keypears/vault-browser";
import { ITEM_TYPES, type Item, type ItemType, type SyncStatus } from "@keypears/vault/core";
import { TYPE_LABELS } from "./field-labels.ts";
import { ItemView } from "./item-view.tsx";
import { ItemEditor } from "./item-editor.tsx";
import { AttentionFilter } from "./attention-filter.tsx";
import { ToolButtons, ToolPane, type ToolName } from "./tools.tsx";

interface Props {
  readonly vault: VaultClient;
  readonly address: string;
  readonly onLocked: () => void;
}

type Pane =
  | { readonly kind: "none" }
  | { readonly kind: "view"; readonly id: string }
  | { readonly kind: "edit"; readonly item: Item | null }
  | { readonly kind: "tool"; readonly tool: ToolName };

export const VaultScreen = ({ vault, address, onLocked }: Props) => {
  const [search, setSearch] = useState("");
  const [trash, setTrash] = useState(false);
  const [type, setType] = useState<ItemType | "">("");
  const [favourites, setFavourites] = useState(false);
  const [sort, setSort] = useState<"title" | "updated">("title");
  const [items, setItems] = useState<readonly Item[] | null>(null);
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [pane, setPane] = useState<Pane>({ kind: "none" });
  const [attention, setAttention] = useState<ReadonlySet<string> | null>(null);

  useEffect(() => {
    const filter = {
      ...(search.trim() === "" ? {} : { search: search.trim() }),
      ...(type === "" ? {} : { type }),
      trash,
    };
    return vault.watch(address, { kind: "list", filter }, setItems, (failure) => {
      if (failure.kind === "locked") onLocked();
    });
  }, [address, search, trash, type]);
  const shown =
    items === null
      ? null
      : [...items]
          .filter(
            (item) =>
              !favourites || item.fields.some((f) => f.name === "favorite" && f.value === true),
          )
          .filter((item) => attention === null || attention.has(item.id))
          .sort((a, b) =>
            sort === "title" ? a.title.localeCompare(b.title) : b.updated.at - a.updated.at,
          );
  useEffect(() => vault.watch(address, { kind: "sync-status" }, setStatus), [address]);
  useEffect(() => {
    const local = address.endsWith("@localhost");
    if (!local) void vault.startLiveSync(address);
  }, [address]);

  const lock = async (): Promise<void> => {
    await vault.lock(address);
    onLocked();
  };

  return (
    <div class="vault">
      <div class="toolbar">
        <span class="account">{address}</span>
        <SyncBadge address={address} status={status} />
        <button type="button" onClick={() => void lock()}>
          Lock
        </button>
      </div>
      <nav class="tabs" aria-label="Vault">
        <button
          type="button"
          aria-pressed={!trash}
          onClick={() => (setTrash(false), setPane({ kind: "none" }))}
        >
          Items
        </button>
        <button
          type="button"
          aria-pressed={trash}
          onClick={() => (setTrash(true), setPane({ kind: "none" }))}
        >
          Trash
        </button>
        <button type="button" onClick={() => setPane({ kind: "edit", item: null })}>
          New item
        </button>
        <ToolButtons
          vault={vault}
          address={address}
          open={pane.kind === "tool" ? pane.tool : null}
          onOpen={(tool) => setPane({ kind: "tool", tool })}
        />
      </nav>
      <div class="columns">
        <section class="list" aria-label={trash ? "Trash" : "Items"}>
          <input
            type="search"
            aria-label="Search"
            placeholder="Search title, username, URL, tag"
            value={search}
            onInput={(e) => setSearch(e.currentTarget.value)}
          />
          <div class="filters">
            <label for="filter-type">Type</label>
            <select
              id="filter-type"
              value={type}
              onChange={(e) => setType(e.currentTarget.value as ItemType | "")}
            >
              <option value="">All types</option>
              {ITEM_TYPES.map((t) => (
                <option key={t} value={t}>
                  {TYPE_LABELS[t] ?? t}
                </option>
              ))}
            </select>
            <label for="sort-by">Sort by</label>
            <select
              id="sort-by"
              value={sort}
              onChange={(e) => setSort(e.currentTarget.value === "updated" ? "updated" : "title")}
            >
              <option value="title">Title</option>
              <option value="updated">Last changed</option>
            </select>
            <label class="inline">
              <input
                type="checkbox"
                checked={favourites}
                onChange={(e) => setFavourites(e.currentTarget.checked)}
              />
              Favourites only
            </label>
            <AttentionFilter
              vault={vault}
              address={address}
              changed={items}
              onChange={setAttention}
            />
          </div>
          {shown === null ? (
            <p role="status">Loading…</p>
          ) : shown.length === 0 ? (
            <p role="status">{trash ? "The trash is empty." : "No items."}</p>
          ) : (
            <ul>
              {shown.map((item) => (
                <li key={item.id}>
                  <button
                    type="button"
                    class="item-row"
                    aria-current={pane.kind === "view" && pane.id === item.id}
                    onClick={() => setPane({ kind: "view", id: item.id })}
                  >
                    <span class="title">{item.title}</span>
                    <span class="sub">{subtitle(item)}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section class="detail" aria-label="Item">
          {pane.kind === "view" && (
            <ItemView
              vault={vault}
              address={address}
              id={pane.id}
              onEdit={(item) => setPane({ kind: "edit", item })}
              onClose={() => setPane({ kind: "none" })}
            />
          )}
          {pane.kind === "edit" && (
            <ItemEditor
              vault={vault}
              address={address}
              item={pane.item}
              onDone={(id) => setPane(id === null ? { kind: "none" } : { kind: "view", id })}
            />
          )}
          {pane.kind === "tool" && (
            <ToolPane
              tool={pane.tool}
              vault={vault}
              address={address}
              onOpenItem={(id) => setPane({ kind: "view", id })}
            />
          )}
        </section>
      </div>
    </div>
  );
};

const subtitle = (item: Item): string => {
  const username = item.fields.find((f) => f.name === "username")?.value;
  return typeof username === "string" ? username : item.type;
};

const SyncBadge = ({
  address,
  status,
}: {
  readonly address: string;
  readonly status: SyncStatus | null;
}) => {
  if (address.endsWith("@localhost")) return <span class="badge">Only in this browser</span>;
  if (status === null) return null;
  const waiting = status.pending + status.sent + status.ordered;
  return (
    <span class="badge" role="status" aria-label="Sync status">
      {waiting === 0
        ? `Synced, verified to #${status.verified.position}`
        : `${status.pending} local, ${status.sent} sent, ${status.ordered} ordered`}
    </span>
  );
};
