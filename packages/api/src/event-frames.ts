/**
 * Binary bodies for the hot sync routes (docs/PROTOCOL.md, "Binary bodies"): a push, its answer,
 * and a pull page, as bytes instead of JSON with base64url payloads. Sealed payloads are already
 * bytes: base64url made them a third larger and cost a string parse per event, and JSON a parse
 * per field; here each event is its 16 id bytes, a few varint bytes and the payload as it is.
 *
 * Within protocol version 2 the format is chosen by media type (`EVENT_FRAMES_MEDIA_TYPE`): a
 * client that asks for it gets it, every other client keeps the JSON routes. Every body opens
 * with the frame format version and the kind of body, so a body of one kind is never read as
 * another, and a later format is refused by an older reader with a clear error.
 *
 * Layout (integers are unsigned LEB128 varints in their shortest form, at most 2^53 - 1):
 *
 *   body        = version(1 byte = 1) kind(1 byte) rest
 *   push        (kind 1) = count, count × (id(16) length payload)
 *   push answer (kind 2) = head, count, count × (id(16) position chainHash(32) duplicate(1 byte: 0|1))
 *   pull page   (kind 3) = anchor, head, count, count × (id(16) position chainHash(32) length payload)
 *   snapshot    (kind 4) = position chainHash(32) length payload
 *   checkpoint  = position hash(32)
 *
 * Ids are the UUID's 16 bytes (their text form on the JSON routes). Nothing may follow the body.
 */

import { err, ok, type Result } from "@keypears/base";

/** The media type of a binary body, for `Content-Type` and `Accept`. */
export const EVENT_FRAMES_MEDIA_TYPE = "application/vnd.keypears.events";

/** The frame format this code writes and reads. */
export const EVENT_FRAMES_VERSION = 1;

const KIND_PUSH = 1;
const KIND_PUSH_ANSWER = 2;
const KIND_PULL_PAGE = 3;
const KIND_SNAPSHOT = 4;

export interface FrameCheckpoint {
  readonly position: number;
  readonly hash: Uint8Array;
}

export interface FrameEnvelope {
  readonly id: string;
  readonly payload: Uint8Array;
}

export interface FramePushedEvent {
  readonly id: string;
  readonly position: number;
  readonly chainHash: Uint8Array;
  readonly duplicate: boolean;
}

export interface FramePulledEvent {
  readonly id: string;
  readonly payload: Uint8Array;
  readonly position: number;
  readonly chainHash: Uint8Array;
}

export interface FramePushAnswer {
  readonly events: readonly FramePushedEvent[];
  readonly head: FrameCheckpoint;
}

export interface FramePullPage {
  readonly anchor: FrameCheckpoint;
  readonly events: readonly FramePulledEvent[];
  readonly head: FrameCheckpoint;
}

/** A sealed snapshot and the checkpoint it is anchored to (docs/PROTOCOL.md 9.2). */
export interface FrameSnapshot {
  readonly position: number;
  readonly chainHash: Uint8Array;
  readonly payload: Uint8Array;
}

/** Why a body could not be read; names the rule broken, never the bytes. */
export type FrameError = { readonly kind: "malformed-frames"; readonly reason: string };

export const encodePushFrames = (events: readonly FrameEnvelope[]): Uint8Array<ArrayBuffer> => {
  let size = 2 + varintSize(events.length);
  for (const event of events) size += 16 + varintSize(event.payload.length) + event.payload.length;
  const w = createWriter(size, KIND_PUSH);
  w.varint(events.length);
  for (const event of events) {
    w.uuid(event.id);
    w.varint(event.payload.length);
    w.bytes(event.payload);
  }
  return w.done();
};

export const decodePushFrames = (bytes: Uint8Array): Result<FrameEnvelope[], FrameError> =>
  read(bytes, KIND_PUSH, (r) => {
    const count = r.count(16 + 1);
    const events: FrameEnvelope[] = [];
    for (let i = 0; i < count; i++) {
      const id = r.uuid();
      events.push({ id, payload: r.bytes(r.varint()) });
    }
    return events;
  });

export const encodePushAnswerFrames = (answer: FramePushAnswer): Uint8Array<ArrayBuffer> => {
  let size = 2 + checkpointSize(answer.head) + varintSize(answer.events.length);
  for (const event of answer.events) size += 16 + varintSize(event.position) + 32 + 1;
  const w = createWriter(size, KIND_PUSH_ANSWER);
  w.checkpoint(answer.head);
  w.varint(answer.events.length);
  for (const event of answer.events) {
    w.uuid(event.id);
    w.varint(event.position);
    w.hash(event.chainHash);
    w.byte(event.duplicate ? 1 : 0);
  }
  return w.done();
};

export const decodePushAnswerFrames = (bytes: Uint8Array): Result<FramePushAnswer, FrameError> =>
  read(bytes, KIND_PUSH_ANSWER, (r) => {
    const head = r.checkpoint();
    const count = r.count(16 + 1 + 32 + 1);
    const events: FramePushedEvent[] = [];
    for (let i = 0; i < count; i++) {
      const id = r.uuid();
      const position = r.varint();
      const chainHash = r.bytes(32);
      events.push({ id, position, chainHash, duplicate: r.flag() });
    }
    return { events, head };
  });

export const encodePullPageFrames = (page: FramePullPage): Uint8Array<ArrayBuffer> => {
  let size =
    2 + checkpointSize(page.anchor) + checkpointSize(page.head) + varintSize(page.events.length);
  for (const event of page.events) {
    size += 16 + varintSize(event.position) + 32;
    size += varintSize(event.payload.length) + event.payload.length;
  }
  const w = createWriter(size, KIND_PULL_PAGE);
  w.checkpoint(page.anchor);
  w.checkpoint(page.head);
  w.varint(page.events.length);
  for (const event of page.events) {
    w.uuid(event.id);
    w.varint(event.position);
    w.hash(event.chainHash);
    w.varint(event.payload.length);
    w.bytes(event.payload);
  }
  return w.done();
};

export const decodePullPageFrames = (bytes: Uint8Array): Result<FramePullPage, FrameError> =>
  read(bytes, KIND_PULL_PAGE, (r) => {
    const anchor = r.checkpoint();
    const head = r.checkpoint();
    const count = r.count(16 + 1 + 32 + 1);
    const events: FramePulledEvent[] = [];
    for (let i = 0; i < count; i++) {
      const id = r.uuid();
      const position = r.varint();
      const chainHash = r.bytes(32);
      events.push({ id, position, chainHash, payload: r.bytes(r.varint()) });
    }
    return { anchor, events, head };
  });

export const encodeSnapshotFrames = (snapshot: FrameSnapshot): Uint8Array<ArrayBuffer> => {
  const size =
    2 +
    varintSize(snapshot.position) +
    32 +
    varintSize(snapshot.payload.length) +
    snapshot.payload.length;
  const w = createWriter(size, KIND_SNAPSHOT);
  w.varint(snapshot.position);
  w.hash(snapshot.chainHash);
  w.varint(snapshot.payload.length);
  w.bytes(snapshot.payload);
  return w.done();
};

export const decodeSnapshotFrames = (bytes: Uint8Array): Result<FrameSnapshot, FrameError> =>
  read(bytes, KIND_SNAPSHOT, (r) => {
    const position = r.varint();
    const chainHash = r.bytes(32);
    return { position, chainHash, payload: r.bytes(r.varint()) };
  });

const varintSize = (value: number): number => {
  let size = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
};

const checkpointSize = (checkpoint: FrameCheckpoint): number =>
  varintSize(checkpoint.position) + 32;

const hexDigits = "0123456789abcdef";
const hexByte = Array.from(
  { length: 256 },
  (_, i) => `${hexDigits[i >> 4] as string}${hexDigits[i & 15] as string}`,
);
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const createWriter = (size: number, kind: number) => {
  const out = new Uint8Array(size);
  out[0] = EVENT_FRAMES_VERSION;
  out[1] = kind;
  let pos = 2;
  const varint = (value: number): void => {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError(`expected a non-negative safe integer, got ${value}`);
    while (value >= 128) {
      out[pos++] = (value % 128) | 128;
      value = Math.floor(value / 128);
    }
    out[pos++] = value;
  };
  const hash = (bytes: Uint8Array): void => {
    if (bytes.length !== 32) throw new RangeError(`expected a 32-byte hash, got ${bytes.length}`);
    out.set(bytes, pos);
    pos += 32;
  };
  return {
    varint,
    hash,
    byte: (value: number) => {
      out[pos++] = value;
    },
    bytes: (bytes: Uint8Array) => {
      out.set(bytes, pos);
      pos += bytes.length;
    },
    uuid: (id: string) => {
      if (!uuidPattern.test(id)) throw new RangeError("expected a lowercase UUID");
      for (let i = 0, at = 0; i < 16; i++, at += 2) {
        if (at === 8 || at === 13 || at === 18 || at === 23) at++;
        out[pos++] = Number.parseInt(id.slice(at, at + 2), 16);
      }
    },
    checkpoint: (checkpoint: FrameCheckpoint) => {
      varint(checkpoint.position);
      hash(checkpoint.hash);
    },
    done: (): Uint8Array<ArrayBuffer> => {
      if (pos !== size) throw new Error(`frame size miscounted: ${pos} of ${size} bytes`);
      return out;
    },
  };
};

class FrameFailure extends Error {}

const fail = (reason: string): never => {
  throw new FrameFailure(reason);
};

type Reader = ReturnType<typeof createReader>;

const createReader = (input: Uint8Array) => {
  let pos = 2;
  const need = (n: number): void => {
    if (input.length - pos < n) fail("the body ends early");
  };
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      need(1);
      const byte = input[pos++] as number;
      value += (byte & 127) * scale;
      if (byte < 128) {
        if (byte === 0 && scale > 1) fail("a number is not in its shortest form");
        if (!Number.isSafeInteger(value)) fail("a number is too large");
        return value;
      }
      scale *= 128;
      if (scale > 2 ** 56) fail("a number is too large");
    }
  };
  const bytes = (n: number): Uint8Array => {
    need(n);
    // A view, not a copy: the body is decoded once and its bytes kept as the events'.
    const out = input.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  return {
    varint,
    bytes,
    /** A count of entries of at least `minBytes` each, checked against what is left of the body. */
    count: (minBytes: number): number => {
      const count = varint();
      if (count * minBytes > input.length - pos) fail("the count is larger than the body holds");
      return count;
    },
    flag: (): boolean => {
      need(1);
      const value = input[pos++] as number;
      return value === 1 ? true : value === 0 ? false : fail("a flag is neither 0 nor 1");
    },
    uuid: (): string => {
      need(16);
      if (((input[pos + 8] as number) & 0xc0) !== 0x80) fail("an id is not a UUID");
      let text = "";
      for (let i = 0; i < 16; i++) {
        if (i === 4 || i === 6 || i === 8 || i === 10) text += "-";
        text += hexByte[input[pos + i] as number] as string;
      }
      pos += 16;
      return text;
    },
    checkpoint: (): FrameCheckpoint => {
      const position = varint();
      return { position, hash: bytes(32) };
    },
    end: (): void => {
      if (pos !== input.length) fail("bytes follow the body");
    },
  };
};

const read = <T>(
  bytes: Uint8Array,
  kind: number,
  body: (reader: Reader) => T,
): Result<T, FrameError> => {
  if (bytes.length < 2) return err({ kind: "malformed-frames", reason: "the body ends early" });
  if (bytes[0] !== EVENT_FRAMES_VERSION) {
    return err({
      kind: "malformed-frames",
      reason: `unsupported frame format version ${bytes[0] as number} (this code reads ${EVENT_FRAMES_VERSION})`,
    });
  }
  if (bytes[1] !== kind) {
    return err({
      kind: "malformed-frames",
      reason: `expected a body of kind ${kind}, got ${bytes[1] as number}`,
    });
  }
  try {
    const reader = createReader(bytes);
    const value = body(reader);
    reader.end();
    return ok(value);
  } catch (error) {
    if (error instanceof FrameFailure)
      return err({ kind: "malformed-frames", reason: error.message });
    throw error;
  }
};
