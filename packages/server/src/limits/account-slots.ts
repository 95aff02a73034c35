/**
 * Counted slots per account: how many heavy requests (pushes, pulls, snapshot transfers) and head
 * streams each account has in progress. A request that finds no free slot is refused at once
 * (429) rather than queued, so one account's requests never wait on, or pile up in front of,
 * another's. In memory, per process.
 */

export interface AccountSlots {
  /** A release function (safe to call more than once), or undefined when the account is at `max`. */
  readonly acquire: (accountId: string) => (() => void) | undefined;
  readonly inUse: (accountId: string) => number;
}

export const createAccountSlots = (max: number): AccountSlots => {
  if (!(Number.isSafeInteger(max) && max >= 1)) {
    throw new RangeError(`expected a slot count of at least 1, got ${max}`);
  }
  const used = new Map<string, number>();
  return {
    acquire: (accountId) => {
      const count = used.get(accountId) ?? 0;
      if (count >= max) return undefined;
      used.set(accountId, count + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (used.get(accountId) ?? 1) - 1;
        if (left <= 0) used.delete(accountId);
        else used.set(accountId, left);
      };
    },
    inUse: (accountId) => used.get(accountId) ?? 0,
  };
};
