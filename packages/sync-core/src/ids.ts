/** Identifiers: UUIDv7 event and item ids (time-ordered), random vault ids, and random 64-bit device ids. */

import { type Brand, bytesToHex, hexToBytes, isHex } from "@keypears/base";
import type { CoreDeps, Now, RandomBytes } from "./deps.ts";

export type EventId = Brand<string, "EventId">;
export type ItemId = Brand<string, "ItemId">;
export type VaultId = Brand<string, "VaultId">;
/** 16 lowercase hex characters (64 random bits): the node part of every clock the device issues. */
export type DeviceId = Brand<string, "DeviceId">;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const isUuid = (value: string): boolean => uuidPattern.test(value);
export const isEventId = (value: string): value is EventId => isUuid(value);
export const isItemId = (value: string): value is ItemId => isUuid(value);
export const isVaultId = (value: string): value is VaultId => isUuid(value);
export const isDeviceId = (value: string): value is DeviceId => isHex(value, 8);

export const uuidToBytes = (uuid: string): Uint8Array => {
  if (!isUuid(uuid)) throw new Error(`expected a lowercase UUID, got ${JSON.stringify(uuid)}`);
  return hexToBytes(uuid.replaceAll("-", ""));
};

export const bytesToUuid = (bytes: Uint8Array): string => {
  if (bytes.length !== 16) throw new Error(`expected 16 UUID bytes, got ${bytes.length}`);
  const hex = bytesToHex(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

const formatUuid = (bytes: Uint8Array, version: number): string => {
  bytes[6] = ((bytes[6] as number) & 0x0f) | (version << 4);
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  return bytesToUuid(bytes);
};

/**
 * Lays out a UUIDv7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, version 7, 12 bits `rand_a`,
 * the variant, and 62 bits `rand_b` taken from `randB` (at least 8 bytes; its top two bits are
 * replaced by the variant).
 */
export const encodeUuidV7 = (millis: number, randA: number, randB: Uint8Array): string => {
  if (!Number.isSafeInteger(millis) || millis < 0 || millis >= 2 ** 48) {
    throw new Error(`expected a 48-bit millisecond timestamp, got ${millis}`);
  }
  const bytes = new Uint8Array(16);
  let rest = millis;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  bytes[6] = (randA >> 8) & 0x0f;
  bytes[7] = randA & 0xff;
  bytes.set(randB.subarray(0, 8), 8);
  return formatUuid(bytes, 7);
};

/**
 * A UUIDv7 generator whose ids strictly increase: within one millisecond (or if the clock steps
 * back) `rand_a` serves as a counter (RFC 9562 §6.2, method 1), started low in a random place so
 * there is room to count; when it overflows, the timestamp is advanced by one.
 */
export const createUuidV7Generator = (now: Now, randomBytes: RandomBytes): (() => string) => {
  let lastMillis = -1;
  let counter = 0;
  return () => {
    let millis = Math.max(Math.floor(now()), 0);
    const random = randomBytes(10);
    if (millis <= lastMillis) {
      millis = lastMillis;
      counter++;
      if (counter > 0xfff) {
        millis++;
        counter = 0;
      }
    } else {
      counter = (((random[0] as number) & 0x07) << 8) | (random[1] as number);
    }
    lastMillis = millis;
    return encodeUuidV7(millis, counter, random.subarray(2, 10));
  };
};

/** Reads the millisecond timestamp back out of a UUIDv7. */
export const uuidV7Millis = (uuid: string): number => {
  const bytes = uuidToBytes(uuid);
  let millis = 0;
  for (let i = 0; i < 6; i++) millis = millis * 256 + (bytes[i] as number);
  return millis;
};

export interface IdFactory {
  readonly eventId: () => EventId;
  readonly itemId: () => ItemId;
}

export const createIdFactory = (deps: CoreDeps): IdFactory => {
  const next = createUuidV7Generator(deps.now, deps.randomBytes);
  return { eventId: () => next() as EventId, itemId: () => next() as ItemId };
};

/** Vault ids are random (UUIDv4) so the server, which sees them, learns nothing about when a vault was made. */
export const createVaultId = (randomBytes: RandomBytes): VaultId =>
  formatUuid(randomBytes(16).slice(0, 16), 4) as VaultId;

export const createDeviceId = (randomBytes: RandomBytes): DeviceId =>
  bytesToHex(randomBytes(8).slice(0, 8)) as DeviceId;
