/** Gathers one import's items, rejected rows and mapping counts as a parser walks the file. */

import type { ImportFormat, ImportItem, ParsedImport, RejectedRow } from "./import-item.ts";
import { createItemBuilder, type ItemBuilder } from "./item-builder.ts";
import { MAX_ITEMS } from "./limits.ts";

export interface Collector {
  /** A builder for the next item; `finish` adds it (or its rejection). */
  readonly item: (source: string) => ItemBuilder;
  readonly reject: (source: string, reason: string) => void;
  readonly mapped: (what: string) => void;
  readonly finish: (builder: ItemBuilder) => void;
  readonly result: () => ParsedImport;
}

export class TooManyItems extends Error {
  constructor() {
    super(`the file holds more than ${MAX_ITEMS} items`);
  }
}

export const createCollector = (format: ImportFormat): Collector => {
  const items: ImportItem[] = [];
  const rejected: RejectedRow[] = [];
  const mapped: Record<string, number> = {};
  const countMapped = (what: string) => {
    mapped[what] = (mapped[what] ?? 0) + 1;
  };
  return {
    item: (source) => createItemBuilder(source, countMapped),
    reject: (source, reason) => {
      rejected.push({ source, reason });
    },
    mapped: countMapped,
    finish: (builder) => {
      const built = builder.build();
      if (built.ok) {
        if (items.length >= MAX_ITEMS) throw new TooManyItems();
        items.push(built.item);
      } else rejected.push({ source: built.source, reason: built.reason });
    },
    result: () => ({ format, items, rejected, mapped }),
  };
};
