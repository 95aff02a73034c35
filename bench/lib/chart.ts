/**
 * Line charts of how a cost grows, rendered to SVG by Vega-Lite (compiled to a Vega spec, drawn
 * by Vega's headless SVG renderer: no browser, no canvas). A benchmark returns charts as data in
 * its report; the suite renders them beside the Markdown report it writes.
 */

import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

export interface ChartPoint {
  readonly x: number;
  readonly y: number;
}

export interface ChartSeries {
  readonly name: string;
  /** KeyPears (solid, bold), a peer system (solid) or a raw limit (dashed). */
  readonly kind: "keypears" | "peer" | "limit";
  readonly points: readonly ChartPoint[];
}

export interface LineChart {
  /** The SVG's file name, beside the report (`growth-apply.svg`). */
  readonly file: string;
  readonly title: string;
  readonly xTitle: string;
  readonly yTitle: string;
  /** Logarithmic x axis (sizes that grow tenfold). The y axis starts at zero, so growth shows as it is. */
  readonly logX: boolean;
  readonly series: readonly ChartSeries[];
}

const dash: Record<ChartSeries["kind"], number[]> = { keypears: [], peer: [], limit: [6, 4] };
const strokeWidth: Record<ChartSeries["kind"], number> = { keypears: 3, peer: 1.5, limit: 1.5 };

/** The Vega-Lite spec of a chart: one line with points per series, the legend naming them. */
export const chartSpec = (chart: LineChart): TopLevelSpec => {
  if (!/^[a-z0-9][a-z0-9-]*\.svg$/.test(chart.file)) {
    throw new Error(`chart file name ${JSON.stringify(chart.file)} is not a plain name.svg`);
  }
  for (const series of chart.series) {
    for (const point of series.points) {
      if (!Number.isFinite(point.x) || !Number.isFinite(point.y)) {
        throw new Error(`chart ${chart.file}: ${series.name} has a point that is not a number`);
      }
      if (chart.logX && point.x <= 0) {
        throw new Error(`chart ${chart.file}: ${series.name} has x ${point.x} on a log axis`);
      }
    }
  }
  const names = chart.series.map((s) => s.name);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: chart.title,
    width: 420,
    height: 240,
    background: "white",
    data: {
      values: chart.series.flatMap((series) =>
        series.points.map((point) => ({ series: series.name, kind: series.kind, ...point })),
      ),
    },
    mark: { type: "line", point: true },
    encoding: {
      x: {
        field: "x",
        type: "quantitative",
        title: chart.xTitle,
        scale: chart.logX ? { type: "log" } : { zero: false },
        axis: { format: "~s" },
      },
      y: { field: "y", type: "quantitative", title: chart.yTitle, scale: { zero: true } },
      color: {
        field: "series",
        type: "nominal",
        title: null,
        sort: names,
        legend: { orient: "bottom", direction: "vertical", labelLimit: 400 },
      },
      strokeDash: {
        field: "series",
        type: "nominal",
        sort: names,
        scale: { domain: names, range: chart.series.map((s) => dash[s.kind]) },
        legend: null,
      },
      strokeWidth: {
        field: "series",
        type: "nominal",
        sort: names,
        scale: { domain: names, range: chart.series.map((s) => strokeWidth[s.kind]) },
        legend: null,
      },
    },
  };
};

/** The chart as a standalone SVG document. */
export const renderChartSvg = async (chart: LineChart): Promise<string> => {
  const view = new vega.View(vega.parse(compile(chartSpec(chart)).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
};
