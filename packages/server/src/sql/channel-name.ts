/** LISTEN takes an identifier, not a parameter: channel names are checked before they reach SQL. */

export const assertChannelName = (channel: string): void => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) {
    throw new Error(
      `expected a lowercase SQL identifier as channel name, got ${JSON.stringify(channel)}`,
    );
  }
};
