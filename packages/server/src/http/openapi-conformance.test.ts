/**
 * The served OpenAPI document as third-party tools judge it: zero findings from
 * `@apidevtools/swagger-parser` (validation), `@redocly/cli lint` (recommended ruleset) and
 * Spectral (`spectral:oas`), for the document with and without a public URL.
 */

import SwaggerParser from "@apidevtools/swagger-parser";
import spectralCore from "@stoplight/spectral-core";
import parsers from "@stoplight/spectral-parsers";
import { oas } from "@stoplight/spectral-rulesets";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import { DEFAULT_SIZE_LIMITS } from "../limits/limits.ts";
import { generateOpenApiDocument } from "./openapi-document.ts";

const dir = mkdtempSync(join(tmpdir(), "keypears-openapi-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const redoclyBin = join(
  dirname(createRequire(import.meta.url).resolve("@redocly/cli/package.json")),
  "bin",
  "cli.js",
);

interface RedoclyReport {
  readonly totals: { readonly errors: number; readonly warnings: number };
  readonly problems: readonly { readonly ruleId: string; readonly message: string }[];
}

const redoclyLint = (document: unknown): RedoclyReport => {
  const file = join(dir, `openapi-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(document));
  const run = spawnSync(
    process.execPath,
    [redoclyBin, "lint", file, "--extends=recommended", "--format=json"],
    {
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    },
  );
  const start = run.stdout.indexOf("{");
  assert.ok(start >= 0, `redocly printed no report: ${run.stdout}${run.stderr}`);
  return JSON.parse(run.stdout.slice(start)) as RedoclyReport;
};

const spectralFindings = async (document: unknown) => {
  const spectral = new spectralCore.Spectral();
  spectral.setRuleset({ extends: [[oas, "recommended"]] } as never);
  const results = await spectral.run(
    new spectralCore.Document(JSON.stringify(document, null, 1), parsers.Json),
  );
  return results.map((r) => `${r.code} at ${r.path.join(".")}: ${r.message}`);
};

for (const publicUrl of ["https://keypears.example.org", undefined]) {
  describe(`the document served ${publicUrl === undefined ? "without" : "with"} a public URL`, () => {
    const document = generateOpenApiDocument(publicUrl, DEFAULT_SIZE_LIMITS);

    it("validates with swagger-parser", async () => {
      // swagger-parser resolves references in place: give it its own copy.
      await SwaggerParser.validate(structuredClone(await document) as never);
    });

    it("has no error and no warning under redocly's recommended ruleset", async () => {
      const report = redoclyLint(await document);
      assert.deepEqual(
        report.problems.map((p) => `${p.ruleId}: ${p.message}`),
        [],
      );
      assert.equal(report.totals.errors, 0);
    });

    it("has no finding under spectral:oas", async () => {
      assert.deepEqual(await spectralFindings(await document), []);
    });
  });
}

describe("the tools find what they should (so a clean report means something)", () => {
  it("all three object to a document without info.version, with an undeclared tag", async () => {
    const broken = structuredClone(
      (await generateOpenApiDocument(undefined, DEFAULT_SIZE_LIMITS)) as {
        info: Record<string, unknown>;
        paths: Record<string, Record<string, Record<string, unknown>>>;
      },
    );
    delete broken.info.version;
    const health = broken.paths["/health"]?.get as Record<string, unknown>;
    delete health.responses;
    health.tags = ["undeclared"];
    delete health.security;
    await assert.rejects(SwaggerParser.validate(structuredClone(broken) as never));
    assert.ok(redoclyLint(broken).totals.errors > 0);
    assert.ok((await spectralFindings(broken)).length > 0);
  });
});
