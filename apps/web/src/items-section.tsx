/** The items (or the trash): search as you type, filters, sorting, a virtualized live list, and one item. */

import { useEffect, useMemo, useState } from "preact/hooks";
import type { VaultClient } from "@keypears/vault-browser";
import { ITEM_TYPES, type Item, type ItemType, type ListRow } from "@keypears/vault/core";
import { TYPE_LABELS } from "./field-labels.ts";
import { AttentionFilter } from "./attention-filter.tsx";
import { CheckboxRow } from "./form-controls.tsx";
import { HistoryView } from "./history-view.tsx";
import { ItemEditor } from "./item-editor.tsx";
import { ItemView } from "./item-view.tsx";
import { VirtualList } from "./virtual-list.tsx";

export type Pane =
  | { readonly kind: "none" }
  | { readonly kind: "view"; readonly id: string }
  | { readonly kind: "edit"; readonly item: Item | null }
  | { readonly kind: "history"; readonly id: string };

interface Props {
  readonly vault: VaultClient;
  readonly address: string;
  readonly trash: boolean;
  readonly pane: Pane;
  readonly setPane: (pane: Pane) => void;
  readonly deviceName: (id: string) => string;
  readonly onLocked: () => void;
  /** Called once, when the list first shows (the vault screen starts its other queries then). */
  readonly onShown?: () => void;
}

const ROW_HEIGHT = 60;

export const ItemsSection = (props: Props) => {
  const { vault, address, trash, pane, setPane } = props;
  const [search, setSearch] = useState("");
  const [type, setType] = useState<ItemType | "">("");
  const [folder, setFolder] = useState("");
  const [tag, setTag] = useState("");
  const [favourites, setFavourites] = useState(false);
  const [sort, setSort] = useState<"title" | "updated">("title");
  // Rows, not items: the list's page never holds a password or a note.
  const [items, setItems] = useState<readonly ListRow[] | null>(null);
  const [all, setAll] = useState<readonly ListRow[]>([]);
  const [attention, setAttention] = useState<ReadonlySet<string> | null>(null);

  const filtered = search.trim() !== "" || type !== "" || folder !== "" || tag !== "";
  useEffect(() => {
    const filter = {
      ...(search.trim() === "" ? {} : { search: search.trim() }),
      ...(type === "" ? {} : { type }),
      ...(folder === "" ? {} : { folder }),
      ...(tag === "" ? {} : { tag }),
      trash,
    };
    return vault.watch(address, { kind: "rows", filter }, setItems, (failure) => {
      if (failure.kind === "locked") props.onLocked();
    });
  }, [address, search, trash, type, folder, tag]);
  // Every folder and tag in use, for the filters: the list itself while nothing filters it (one
  // query, not two), else a query of its own.
  useEffect(() => {
    if (!filtered) return;
    return vault.watch(address, { kind: "rows", filter: { trash } }, setAll);
  }, [address, trash, filtered]);
  const everything = filtered ? all : (items ?? []);
  useEffect(() => {
    if (!filtered && items !== null) setAll(items);
  }, [items, filtered]);
  const folders = useMemo(
    () => distinct(everything.flatMap((item) => (item.folder === null ? [] : [item.folder]))),
    [everything],
  );
  const tags = useMemo(() => distinct(everything.flatMap((item) => item.tags)), [everything]);
  const shownOnce = items !== null;
  useEffect(() => {
    if (shownOnce) props.onShown?.();
  }, [shownOnce]);

  const shown = useMemo(() => {
    if (items === null) return null;
    const kept =
      !favourites && attention === null
        ? items
        : items.filter(
            (item) =>
              (!favourites || item.favorite) && (attention === null || attention.has(item.id)),
          );
    // The vault lists by title already (one collator, ties by id): only the other order sorts.
    return sort === "title" ? kept : [...kept].sort((a, b) => b.updatedAt - a.updatedAt);
  }, [items, favourites, sort, attention]);

  return (
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
          <label for="filter-folder">Folder</label>
          <select
            id="filter-folder"
            value={folder}
            onChange={(e) => setFolder(e.currentTarget.value)}
          >
            <option value="">All folders</option>
            {folders.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
          <label for="filter-tag">Tag</label>
          <select id="filter-tag" value={tag} onChange={(e) => setTag(e.currentTarget.value)}>
            <option value="">All tags</option>
            {tags.map((t) => (
              <option key={t} value={t}>
                {t}
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
          <CheckboxRow checked={favourites} onChecked={setFavourites}>
            Favourites only
          </CheckboxRow>
          {!trash && (
            <AttentionFilter
              vault={vault}
              address={address}
              changed={items}
              onChange={setAttention}
            />
          )}
        </div>
        {shown === null ? (
          <p role="status">Loading…</p>
        ) : shown.length === 0 ? (
          <p role="status">{trash ? "The trash is empty." : "No items."}</p>
        ) : (
          <>
            <p class="hint" role="status">
              {shown.length === 1 ? "1 item" : `${shown.length} items`}
            </p>
            <VirtualList
              items={shown}
              rowHeight={ROW_HEIGHT}
              label={trash ? "Items in the trash" : "Items"}
              keyOf={(item) => item.id}
              renderRow={(item) => (
                <button
                  type="button"
                  class="item-row"
                  aria-current={pane.kind !== "none" && "id" in pane && pane.id === item.id}
                  onClick={() => setPane({ kind: "view", id: item.id })}
                >
                  <span class="title">
                    {item.favorite ? "★ " : ""}
                    {item.title}
                  </span>
                  <span class="sub">{subtitle(item)}</span>
                </button>
              )}
            />
          </>
        )}
      </section>
      <section class="detail" aria-label="Item">
        {pane.kind === "view" && (
          <ItemView
            vault={vault}
            address={address}
            id={pane.id}
            onEdit={(item) => setPane({ kind: "edit", item })}
            onHistory={(id) => setPane({ kind: "history", id })}
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
        {pane.kind === "history" && (
          <HistoryView
            vault={vault}
            address={address}
            id={pane.id}
            deviceName={props.deviceName}
            onClose={() => setPane({ kind: "view", id: pane.id })}
          />
        )}
      </section>
    </div>
  );
};

const collator = new Intl.Collator();

const distinct = (values: readonly string[]): readonly string[] =>
  [...new Set(values)].sort(collator.compare);

const subtitle = (item: ListRow): string => item.username ?? TYPE_LABELS[item.type] ?? item.type;
