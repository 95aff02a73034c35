/**
 * The shape of a pull page, checked before its chain is verified or anything is applied: no more
 * events than asked for, and no event id twice (in the page, or in the pages of the batch waiting
 * to be applied). A page that breaks one is a protocol error with a message, never a database
 * error from applying it. Gaps, repeats and reordering of positions, and events past the head,
 * are the chain's to name (`verifySegment`: missing-event, reordered, tampered).
 */

import { err, ok, type Result } from "@keypears/base";
import type { PullPage } from "@keypears/sync-core";
import type { SyncError } from "./sync-error.ts";

export interface PageRequest {
  readonly after: number;
  readonly limit: number;
  /** Ids of the events already accepted in this batch (not yet applied); the check adds the page's. */
  readonly seenIds: Set<string>;
}

const protocol = (position: number | null, detail: string): Result<never, SyncError> =>
  err({ kind: "protocol", position, detail });

export const checkPage = (page: PullPage, request: PageRequest): Result<void, SyncError> => {
  const { events } = page;
  if (events.length > request.limit) {
    return protocol(
      null,
      `the server sent ${events.length} events when ${request.limit} were asked for`,
    );
  }
  const ids = new Set<string>();
  for (const event of events) {
    if (ids.has(event.id) || request.seenIds.has(event.id)) {
      return protocol(event.position, `event ${event.id} appears twice`);
    }
    ids.add(event.id);
  }
  for (const id of ids) request.seenIds.add(id);
  return ok(undefined);
};
