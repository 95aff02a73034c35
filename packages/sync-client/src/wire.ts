/**
 * Conversions between the API's wire forms (base64url strings in JSON, binary frames) and the
 * core's bytes and checkpoints.
 */

import {
  EVENT_FRAMES_MEDIA_TYPE,
  type FrameCheckpoint,
  type FrameError,
  type FramePullPage,
  type FramePushAnswer,
} from "@keypears/api";
import { base64UrlToBytes, err, ok, type Result } from "@keypears/base";
import type {
  AppendResult,
  ChainHash,
  Checkpoint,
  EventId,
  TransportError,
} from "@keypears/sync-core";
import type { PullPage } from "@keypears/sync-core";

export interface WireCheckpoint {
  readonly position: number;
  readonly hash: string;
}

export const checkpointFromWire = (wire: WireCheckpoint): Checkpoint => ({
  position: wire.position,
  hash: base64UrlToBytes(wire.hash) as ChainHash,
});

export const framesFile = (body: Uint8Array<ArrayBuffer>): File =>
  new File([body], "events", { type: EVENT_FRAMES_MEDIA_TYPE });

export const fileBytes = async (file: Blob): Promise<Uint8Array> =>
  new Uint8Array(await file.arrayBuffer());

/** A body the server sent that does not parse is the server's fault: a refusal, never applied. */
export const fromFrames = <F, T>(
  decoded: Result<F, FrameError>,
  convert: (frames: F) => T,
): Result<T, TransportError> =>
  decoded.ok
    ? ok(convert(decoded.value))
    : err({
        kind: "rejected",
        message: `the server's answer is malformed: ${decoded.error.reason}`,
      });

const checkpointFromFrames = (checkpoint: FrameCheckpoint): Checkpoint => ({
  position: checkpoint.position,
  hash: checkpoint.hash as ChainHash,
});

export const appendResultFromFrames = (answer: FramePushAnswer): AppendResult => ({
  events: answer.events.map((event) => ({
    id: event.id as EventId,
    position: event.position,
    chainHash: event.chainHash as ChainHash,
    duplicate: event.duplicate,
  })),
  head: checkpointFromFrames(answer.head),
});

export const pullPageFromFrames = (page: FramePullPage): PullPage => ({
  anchor: checkpointFromFrames(page.anchor),
  events: page.events.map((event) => ({
    id: event.id as EventId,
    payload: event.payload,
    position: event.position,
    chainHash: event.chainHash as ChainHash,
  })),
  head: checkpointFromFrames(page.head),
});
