import assert from "node:assert/strict";
import { test } from "node:test";
import { chartSpec, type LineChart, renderChartSvg } from "./chart.ts";

const chart: LineChart = {
  file: "test-chart.svg",
  title: "Applying remote events: time per event",
  xTitle: "items in the vault",
  yTitle: "µs per event",
  logX: true,
  series: [
    {
      name: "KeyPears vault",
      kind: "keypears",
      points: [
        { x: 1_000, y: 120 },
        { x: 100_000, y: 140 },
      ],
    },
    {
      name: "Limit: SQLite",
      kind: "limit",
      points: [
        { x: 1_000, y: 6 },
        { x: 100_000, y: 7 },
      ],
    },
  ],
};

test("a chart renders to a standalone SVG with its title, axes, legend and a dashed limit", async () => {
  const svg = await renderChartSvg(chart);
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /<\/svg>$/);
  for (const text of [chart.title, chart.xTitle, chart.yTitle, "KeyPears vault", "Limit: SQLite"]) {
    assert.ok(svg.includes(text), `the SVG does not show ${text}`);
  }
  // One line per series; only the limit's is dashed.
  const lines = [
    ...svg.matchAll(
      /<path aria-label="[^"]*series: ([^"]+)"[^>]*aria-roledescription="line mark"[^>]*>/g,
    ),
  ];
  assert.deepEqual(
    lines.map(
      ([path, series]) => `${series} ${/stroke-dasharray="6,4"/.test(path) ? "dashed" : "solid"}`,
    ),
    ["KeyPears vault solid", "Limit: SQLite dashed"],
  );
});

test("the spec keeps the series in their given order, on a log x axis and a y axis from zero", () => {
  const spec = chartSpec(chart) as unknown as {
    encoding: { x: { scale: { type?: string } }; y: { scale: { zero: boolean } } };
    data: { values: { series: string; x: number; y: number }[] };
  };
  assert.equal(spec.encoding.x.scale.type, "log");
  assert.equal(spec.encoding.y.scale.zero, true);
  assert.deepEqual(
    spec.data.values.map((v) => `${v.series}@${v.x}=${v.y}`),
    [
      "KeyPears vault@1000=120",
      "KeyPears vault@100000=140",
      "Limit: SQLite@1000=6",
      "Limit: SQLite@100000=7",
    ],
  );
});

test("a chart refuses a point that is not a number, or not positive on a log axis", () => {
  const withPoint = (x: number, y: number): LineChart => ({
    ...chart,
    series: [{ name: "KeyPears vault", kind: "keypears", points: [{ x, y }] }],
  });
  assert.throws(() => chartSpec(withPoint(1_000, Number.NaN)), /not a number/);
  assert.throws(() => chartSpec(withPoint(0, 1)), /x 0 on a log axis/);
  assert.doesNotThrow(() => chartSpec({ ...withPoint(0, 1), logX: false }));
});

test("a chart's file name is a plain name beside the report", () => {
  assert.throws(() => chartSpec({ ...chart, file: "../escape.svg" }), /file name/);
  assert.throws(() => chartSpec({ ...chart, file: "chart.png" }), /file name/);
});
