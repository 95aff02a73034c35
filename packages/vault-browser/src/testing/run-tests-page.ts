/** Imported after the test modules of a shared suite: runs what they registered and exposes the outcomes as `window.outcomes`. */

import { runRegisteredTests } from "./node-test-shim.ts";

(globalThis as unknown as { outcomes: unknown }).outcomes = await runRegisteredTests();
