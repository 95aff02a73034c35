/** `keypears doctor`: checks a vault file and rebuilds from its events what can be rebuilt. */

import {
  describeVaultError,
  doctorVault,
  nodeAccountStorage,
  nodeVaultDeps,
  unlockAccountFile,
} from "@keypears/vault";
import { vaultFailure } from "../cli-error.ts";
import { defineCommand } from "../command.ts";
import { plural } from "../format.ts";
import { readPassword } from "../secrets.ts";
import { selectAccount } from "../session.ts";

export const command = defineCommand({
  usage: "doctor [--check]",
  description: `
Opens every event, item and history row of the account's vault file. An item's rows are derived
from its events, so an item whose rows are damaged or missing is rebuilt from them (with --check,
only reported). What cannot be rebuilt is listed: an event that no longer opens (a synced
account's server still holds it: remove this device's copy and \`keypears login\` again), or an
item with no readable event. Exit 1 when something is left unrepaired.`,
  options: {
    check: { type: "boolean", description: "only check; change nothing" },
  },
  positionals: { min: 0, max: 0 },
  examples: ["keypears doctor", "keypears doctor --check --json"],
  run: async (ctx) => {
    const address = selectAccount(ctx);
    const password = await readPassword(ctx, address);
    const unlocked = await unlockAccountFile({
      storage: nodeAccountStorage(ctx.home),
      address,
      password,
      deps: nodeVaultDeps,
    });
    if (!unlocked.ok) throw vaultFailure(unlocked.error);
    const repair = ctx.values.check !== true;
    const report = doctorVault({ ...unlocked.value, deps: nodeVaultDeps, repair });
    const problems = report.unrecoverable.map(describeVaultError);
    const healthy = problems.length === 0 && report.needsRebuild.length === 0;
    if (ctx.json) {
      ctx.out.data({
        account: address,
        checked: report.checked,
        rebuilt: report.rebuilt,
        needsRebuild: report.needsRebuild,
        unrecoverable: report.unrecoverable.map((error, i) => ({ ...error, message: problems[i] })),
        healthy,
      });
      return healthy ? 0 : 1;
    }
    const { events, items } = report.checked;
    ctx.out.line(`Checked ${address}: ${plural(events, "event")}, ${plural(items, "item")}.`);
    for (const { itemId, events: count } of report.rebuilt)
      ctx.out.line(`Rebuilt item ${itemId} from its ${plural(count, "event")}.`);
    for (const itemId of report.needsRebuild)
      ctx.out.line(
        `Item ${itemId} is damaged; \`keypears doctor\` without --check rebuilds it from its events.`,
      );
    for (const problem of problems) ctx.out.line(`Could not repair: ${problem}`);
    if (healthy)
      ctx.out.line(
        report.rebuilt.length === 0 ? "Everything is sound." : "Everything else is sound.",
      );
    return healthy ? 0 : 1;
  },
});
