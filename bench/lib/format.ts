/** Formats numbers for reports: fixed locale, precision that suits the size, unit-specific suffixes. */

import type { Cell, Quantity, Unit } from "./table.ts";

const grouped = (value: number, digits: number): string =>
  value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Three significant figures for small values, whole numbers with separators for large ones. */
const sized = (value: number): string => {
  const magnitude = Math.abs(value);
  if (magnitude >= 100 || magnitude === 0) return grouped(value, 0);
  if (magnitude >= 10) return grouped(value, 1);
  if (magnitude >= 1) return grouped(value, 2);
  return value.toPrecision(2);
};

const formatValue = (value: number, unit: Unit): string => {
  switch (unit) {
    case "us":
    case "ms":
    case "s":
      return sized(value);
    case "per-second":
    case "count":
      return grouped(value, 0);
    case "ratio":
      return `${value >= 100 ? grouped(value, 0) : value >= 10 ? grouped(value, 1) : grouped(value, 2)}×`;
    case "mb":
      return grouped(value, 1);
  }
};

export const formatQuantity = (quantity: Quantity): string => {
  const main = formatValue(quantity.value, quantity.unit);
  if (quantity.spread === undefined) return main;
  const [low, high] = quantity.spread;
  return `${main} (${formatValue(low, quantity.unit)}–${formatValue(high, quantity.unit)})`;
};

export const formatCell = (cell: Cell): string =>
  typeof cell === "string" ? cell : formatQuantity(cell);

export const formatBytes = (bytes: number): string => {
  const gib = bytes / 2 ** 30;
  return gib >= 1 ? `${grouped(gib, 1)} GiB` : `${grouped(bytes / 2 ** 20, 0)} MiB`;
};

export const formatDuration = (ms: number): string => {
  if (ms < 60_000) return `${grouped(ms / 1000, 1)} s`;
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
};
