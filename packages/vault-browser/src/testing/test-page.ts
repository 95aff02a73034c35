/** The page the browser tests load: it opens the browser vault and hands it to the test as `window.keypears`. */

import { openBrowserVault } from "../index.ts";

const vault = openBrowserVault();
(globalThis as unknown as { keypears: unknown }).keypears = { vault };
