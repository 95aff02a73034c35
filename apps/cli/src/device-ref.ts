/** A device named on the command line by its id or a unique prefix of it, as items are. */

import type { Vault } from "@keypears/vault";
import { CliError, syncFailure } from "./cli-error.ts";
import type { SyncServices } from "./sync-services.ts";

/** The full id of the one device of `vault`'s account whose id starts with `ref`. */
export const resolveDeviceId = async (
  services: SyncServices,
  vault: Vault,
  ref: string,
): Promise<string> => {
  const listed = await services.devices(vault);
  if (!listed.ok) throw syncFailure(listed.error);
  const wanted = ref.trim().toLowerCase();
  const exact = listed.value.find((d) => d.id.toLowerCase() === wanted);
  if (exact !== undefined) return exact.id;
  const matches =
    wanted === "" ? [] : listed.value.filter((d) => d.id.toLowerCase().startsWith(wanted));
  const [only, ...others] = matches;
  if (only === undefined)
    throw new CliError(
      `no device of ${vault.address} has an id starting "${ref}"; \`keypears devices\` lists them`,
    );
  if (others.length > 0)
    throw new CliError(
      `"${ref}" matches ${matches.length} devices (${matches.map((d) => d.id).join(", ")}); give more of the id`,
    );
  return only.id;
};
