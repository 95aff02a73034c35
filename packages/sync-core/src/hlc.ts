/**
 * Hybrid logical clocks: the timestamp every event carries, and the order that picks a winner
 * among concurrent writes.
 *
 * ## Why hybrid logical clocks
 *
 * A wall clock alone is not monotonic (NTP steps it back) and a logical counter alone says nothing
 * a person can read. An HLC (Kulkarni et al., 2014) is the wall time in milliseconds, a counter for
 * events within one millisecond, and the device id as a tie-break, so every timestamp is unique,
 * close to real time, monotonic on each device, and totally ordered across devices.
 *
 * ## Clocks that are far off
 *
 * KeyPears does not use the clock to decide what a writer saw: every write names the writes it was
 * based on, and a write always supersedes what it was based on, whatever the clocks say. The clock
 * only orders writes that are truly concurrent, and those are always shown to the user as a
 * conflict. So a device whose clock is hours ahead wins only concurrent conflicts (flagged, both
 * values kept); the first edit made after seeing its value supersedes it.
 *
 * To keep such a device from dragging everyone's clock into the future, `receive` adopts a remote
 * time only when it is at most `maxDriftMs` (default 5 minutes, as in Evolu) ahead of the local
 * wall clock. A remote time further ahead is still merged (convergence must not depend on local
 * clocks), but the local clock does not follow it, and `receive` reports the drift so the app can
 * warn. The local clock never goes backwards, whatever the wall clock does.
 *
 * ## Encoding
 *
 * 16 bytes: 48-bit milliseconds, 16-bit counter, 64-bit device id, all big-endian, so bytewise
 * order equals clock order; its 32-character hex string sorts the same way.
 *
 * References: Kulkarni, Demirbas et al., "Logical Physical Clocks" (2014); Evolu's `Timestamp`.
 */

import { bytesToHex, type Brand, err, hexToBytes, ok, type Result } from "@keypears/base";
import type { Now } from "./deps.ts";
import { type DeviceId, isDeviceId } from "./ids.ts";

export interface Hlc {
  /** Milliseconds since the Unix epoch (48 bits). */
  readonly millis: number;
  /** Orders events within one millisecond (16 bits). */
  readonly counter: number;
  /** The device that issued the timestamp: the final tie-break. */
  readonly node: DeviceId;
}

/** The 32-character hex form of an HLC, ordered as the clock is. */
export type HlcString = Brand<string, "HlcString">;

export const HLC_BYTES = 16;
export const MAX_HLC_MILLIS = 2 ** 48 - 1;
export const MAX_HLC_COUNTER = 0xffff;
export const DEFAULT_MAX_DRIFT_MS = 5 * 60 * 1000;

export const compareHlc = (a: Hlc, b: Hlc): number =>
  a.millis - b.millis || a.counter - b.counter || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0);

export const hlcToBytes = (hlc: Hlc): Uint8Array => {
  const out = new Uint8Array(HLC_BYTES);
  let millis = hlc.millis;
  for (let i = 5; i >= 0; i--) {
    out[i] = millis % 256;
    millis = Math.floor(millis / 256);
  }
  out[6] = hlc.counter >> 8;
  out[7] = hlc.counter & 0xff;
  out.set(hexToBytes(hlc.node), 8);
  return out;
};

export type HlcDecodeError = { readonly kind: "invalid-hlc"; readonly reason: string };

export const hlcFromBytes = (bytes: Uint8Array): Result<Hlc, HlcDecodeError> => {
  if (bytes.length !== HLC_BYTES) {
    return err({ kind: "invalid-hlc", reason: `expected ${HLC_BYTES} bytes, got ${bytes.length}` });
  }
  let millis = 0;
  for (let i = 0; i < 6; i++) millis = millis * 256 + (bytes[i] as number);
  const counter = ((bytes[6] as number) << 8) | (bytes[7] as number);
  return ok({ millis, counter, node: bytesToHex(bytes.subarray(8)) as DeviceId });
};

export const hlcToString = (hlc: Hlc): HlcString => bytesToHex(hlcToBytes(hlc)) as HlcString;

export const hlcFromString = (text: string): Result<Hlc, HlcDecodeError> => {
  if (!/^[0-9a-f]{32}$/.test(text)) {
    return err({ kind: "invalid-hlc", reason: "expected 32 lowercase hex characters" });
  }
  return hlcFromBytes(hexToBytes(text));
};

export const isValidHlc = (hlc: Hlc): boolean =>
  Number.isSafeInteger(hlc.millis) &&
  hlc.millis >= 0 &&
  hlc.millis <= MAX_HLC_MILLIS &&
  Number.isInteger(hlc.counter) &&
  hlc.counter >= 0 &&
  hlc.counter <= MAX_HLC_COUNTER &&
  isDeviceId(hlc.node);

/** Reported by `receive` when a remote clock is further ahead of ours than the drift allowance. */
export interface ClockDrift {
  readonly kind: "clock-drift";
  readonly remote: Hlc;
  readonly aheadByMs: number;
}

export interface HlcClock {
  /** A new timestamp for a local event: later than every timestamp this clock has issued or adopted. */
  readonly tick: () => Hlc;
  /** Takes note of a remote timestamp so local events that follow it are ordered after it. */
  readonly receive: (remote: Hlc) => Result<void, ClockDrift>;
  /** The last timestamp issued or adopted (to persist across restarts). */
  readonly last: () => Hlc;
}

export interface HlcClockOptions {
  readonly node: DeviceId;
  readonly now: Now;
  readonly maxDriftMs?: number;
  /** The last timestamp this device issued before a restart, so the clock resumes monotonic. */
  readonly last?: Hlc;
}

export const createHlcClock = (options: HlcClockOptions): HlcClock => {
  const { node, now } = options;
  if (!isDeviceId(node)) throw new Error(`expected a 16-hex-digit device id, got ${String(node)}`);
  const maxDriftMs = options.maxDriftMs ?? DEFAULT_MAX_DRIFT_MS;
  let millis = options.last?.millis ?? 0;
  let counter = options.last?.counter ?? 0;

  const wall = (): number => Math.min(Math.max(Math.floor(now()), 0), MAX_HLC_MILLIS);

  const advanceTo = (candidateMillis: number, candidateCounter: number): void => {
    if (candidateCounter > MAX_HLC_COUNTER) {
      // Counter exhausted within one millisecond: borrow the next millisecond (logical time).
      millis = candidateMillis + 1;
      counter = 0;
    } else {
      millis = candidateMillis;
      counter = candidateCounter;
    }
  };

  return {
    tick: () => {
      const physical = wall();
      if (physical > millis) advanceTo(physical, 0);
      else advanceTo(millis, counter + 1);
      return { millis, counter, node };
    },
    receive: (remote) => {
      const physical = wall();
      const aheadByMs = remote.millis - physical;
      if (aheadByMs > maxDriftMs) return err({ kind: "clock-drift", remote, aheadByMs });
      if (physical > millis && physical > remote.millis) advanceTo(physical, 0);
      else if (remote.millis > millis) advanceTo(remote.millis, remote.counter + 1);
      else if (remote.millis === millis) advanceTo(millis, Math.max(counter, remote.counter) + 1);
      else advanceTo(millis, counter + 1);
      return ok(undefined);
    },
    last: () => ({ millis, counter, node }),
  };
};
