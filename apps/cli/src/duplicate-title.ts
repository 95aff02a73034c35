/** The warning when an item would share its title with another: titles then no longer pick one item. */

import type { Vault } from "@keypears/vault";
import type { CommandContext } from "./command.ts";
import { shortIds } from "./short-ids.ts";

export const warnDuplicateTitle = (
  ctx: CommandContext,
  vault: Vault,
  title: string | undefined,
  exceptId?: string,
): void => {
  if (title === undefined) return;
  const wanted = title.toLowerCase();
  const others = vault
    .list()
    .filter((item) => item.id !== exceptId && item.title.toLowerCase() === wanted);
  if (others.length === 0) return;
  const shortId = shortIds(vault);
  ctx.out.warn(
    `another item is already titled "${title}" (id ${others.map((o) => shortId(o.id)).join(", ")}); commands will need the id to tell them apart`,
  );
};
