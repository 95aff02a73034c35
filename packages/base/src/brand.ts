/** Nominal typing for identifiers and keys, so an `EventId` is never confused with an `ItemId`. */

declare const brand: unique symbol;

export type Brand<T, B extends string> = T & { readonly [brand]: B };
