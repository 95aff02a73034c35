/** The recovery kit, shown once after an account is made: the Secret Key, to print or download. */

import { useEffect, useMemo, useState } from "preact/hooks";
import type { CreatedAccount } from "@keypears/vault-browser";
import { CheckboxRow } from "./form-controls.tsx";

export const RecoveryKit = ({
  created,
  onDone,
}: {
  readonly created: CreatedAccount;
  readonly onDone: () => void;
}) => {
  const [saved, setSaved] = useState(false);
  const href = useMemo(
    () => URL.createObjectURL(new Blob([created.recoveryKit], { type: "text/plain" })),
    [created],
  );
  useEffect(() => () => URL.revokeObjectURL(href), [href]);
  return (
    <section class="card" aria-labelledby="kit-title">
      <h1 id="kit-title">Your recovery kit</h1>
      <p>
        Account <strong>{created.address}</strong> is ready. Keep this kit somewhere safe: with your
        master password, its Secret Key signs you in on a new device. It is shown only now.
      </p>
      <pre class="kit" aria-label="Recovery kit">
        {created.recoveryKit}
      </pre>
      <div class="actions">
        <a
          class="button"
          href={href}
          download={`keypears-recovery-kit-${created.address}.txt`}
          onClick={() => setSaved(true)}
        >
          Download the kit
        </a>
        <button type="button" onClick={() => (window.print(), setSaved(true))}>
          Print the kit
        </button>
      </div>
      <CheckboxRow checked={saved} onChecked={setSaved}>
        I have saved my recovery kit
      </CheckboxRow>
      <button type="button" disabled={!saved} onClick={onDone}>
        Continue
      </button>
    </section>
  );
};
