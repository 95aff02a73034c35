/** A child process for the crash test: unlocks a vault and edits it in a loop until it is killed. */

import { unlockVault } from "../node/node-accounts.ts";
import { cheapDeps } from "./test-home.ts";

const [home, address, password] = process.argv.slice(2) as [string, string, string];
const unlocked = await unlockVault({ home, address, password, deps: cheapDeps() });
if (!unlocked.ok) throw new Error(JSON.stringify(unlocked.error));
const vault = unlocked.value;
for (let n = 1; ; n++) {
  const item =
    n % 7 === 0
      ? vault.add({ fields: { title: `Item ${n}`, password: `p${n}` } })
      : vault.edit("Target", { password: `p${n}`, notes: `n${n}` });
  if (!item.ok) throw new Error(JSON.stringify(item.error));
  process.stdout.write(`committed ${n}\n`);
}
