// A test reporter for `KEYPEARS_TEST_TIMES=<file> node scripts/run-tests.mjs`: one line per top-level
// test (its file, its time in ms, whether it passed), so the suite's slowest files can be found and
// summed (Node 20's TAP output names tests, not files).
export default async function* testTimes(source) {
  for await (const event of source) {
    if ((event.type === "test:pass" || event.type === "test:fail") && event.data.nesting === 0) {
      const ms = Math.round(event.data.details?.duration_ms ?? 0);
      const status = event.type === "test:pass" ? "pass" : "fail";
      yield `${ms}\t${status}\t${event.data.file ?? "?"}\t${event.data.name}\n`;
    }
  }
}
