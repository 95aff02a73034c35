/** How `sync` and `status` show a change the server refused for good, and the two ways out. */

import type { RejectedChange } from "@keypears/vault";

const itemName = (change: RejectedChange): string =>
  change.title === null ? `item ${change.itemId}` : `"${change.title}"`;

/** One line: which item, why, and what to do. */
export const describeRejected = (change: RejectedChange): string =>
  `a change to ${itemName(change)} was refused and is set aside (${change.reason}). ` +
  `Edit the item to fix it (the edit carries it on and syncs), or give the change up with ` +
  `\`keypears sync --drop-rejected ${change.id}\` (it stays in this device's history).`;

export const rejectedJson = (change: RejectedChange) => ({
  id: change.id,
  itemId: change.itemId,
  title: change.title,
  reason: change.reason,
  bytes: change.bytes,
});
