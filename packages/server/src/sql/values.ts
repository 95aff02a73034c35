/**
 * Normalizes what the drivers return: `pg` gives bigints as strings and bytea as `Buffer`, PGlite
 * gives numbers and `Uint8Array`. Everything leaves this module as a safe integer, a plain
 * `Uint8Array` or a `Date`, or throws naming the column.
 */

export const toSafeInt = (value: unknown, column: string): number => {
  const n = typeof value === "string" || typeof value === "bigint" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n)) {
    throw new TypeError(`column ${column}: expected a safe integer, got ${typeof value}`);
  }
  return n;
};

export const toBytes = (value: unknown, column: string): Uint8Array => {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`column ${column}: expected bytes, got ${typeof value}`);
  }
  // A plain copy: a Buffer (pg) compares unequal to a Uint8Array in deepEqual, and a view on a
  // driver's memory must not outlive the driver's reuse of it.
  return new Uint8Array(value);
};

export const toOptionalBytes = (value: unknown, column: string): Uint8Array | undefined =>
  value === null || value === undefined ? undefined : toBytes(value, column);

export const toDate = (value: unknown, column: string): Date => {
  const date = value instanceof Date ? value : typeof value === "string" ? new Date(value) : null;
  if (date === null || Number.isNaN(date.getTime())) {
    throw new TypeError(`column ${column}: expected a timestamp, got ${typeof value}`);
  }
  return date;
};

export const toOptionalDate = (value: unknown, column: string): Date | undefined =>
  value === null || value === undefined ? undefined : toDate(value, column);

export const toText = (value: unknown, column: string): string => {
  if (typeof value !== "string") {
    throw new TypeError(`column ${column}: expected text, got ${typeof value}`);
  }
  return value;
};
