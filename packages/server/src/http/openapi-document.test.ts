import assert from "node:assert/strict";
import { it } from "node:test";
import { generateOpenApiDocument } from "./openapi-document.ts";

interface Operation {
  readonly security?: unknown;
  readonly responses: Record<string, unknown>;
}
interface Document {
  readonly openapi: string;
  readonly servers: readonly { url: string }[];
  readonly paths: Record<string, Record<string, Operation>>;
}

it("is an OpenAPI 3.1 document of every route, with typed errors and the session scheme", async () => {
  const doc = (await generateOpenApiDocument("https://kp.example.com/")) as Document;
  assert.match(doc.openapi, /^3\.1\./);
  assert.deepEqual(doc.servers, [{ url: "https://kp.example.com/api/v1" }]);
  const push = doc.paths["/vaults/{vaultId}/events"]?.post;
  assert.ok(push !== undefined);
  assert.deepEqual(push.security, [{ session: [] }]);
  for (const status of ["200", "401", "403", "404", "409", "413"]) {
    assert.ok(status in push.responses, `push documents ${status}`);
  }
  assert.equal(doc.paths["/accounts"]?.post?.security, undefined, "registration needs no session");
  assert.ok(JSON.stringify(doc.paths["/vaults/{vaultId}/stream"]).includes("text/event-stream"));
  assert.equal(Object.keys(doc.paths).length, 17);
});
