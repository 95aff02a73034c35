/** `keypears serve` as a process of its own, for the tests that spawn servers. */

import { runServe } from "../serve.ts";

process.exitCode = await runServe(process.argv.slice(2));
