/** Misuse checks for byte arguments: a wrong key length is a bug, so it throws at once with a precise message. */

export const expectBytes = (value: unknown, length: number, what: string): void => {
  if (!(value instanceof Uint8Array)) throw new TypeError(`expected ${what} as a Uint8Array`);
  if (value.length !== length)
    throw new RangeError(`expected ${length}-byte ${what}, got ${value.length}`);
};
