import {
  API_DOCUMENT_VERSION,
  EVENT_FRAMES_MEDIA_TYPE,
  PROTOCOL_VERSION,
  SPECIFICATION_URL,
} from "@keypears/api";
import assert from "node:assert/strict";
import { it } from "node:test";
import { DEFAULT_SIZE_LIMITS } from "../limits/limits.ts";
import { generateOpenApiDocument } from "./openapi-document.ts";

interface Response {
  readonly description: string;
  readonly headers?: Record<string, unknown>;
  readonly content?: Record<string, { schema?: unknown }>;
}
interface Operation {
  readonly description?: string;
  readonly security?: unknown;
  readonly responses: Record<string, Response>;
  readonly requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
}
interface Document {
  readonly openapi: string;
  readonly info: Record<string, unknown> & { version: string };
  readonly externalDocs: { url: string };
  readonly servers: readonly { url: string }[];
  readonly tags: readonly { name: string }[];
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: { schemas: Record<string, Record<string, unknown>> };
}

const generate = async (limits = DEFAULT_SIZE_LIMITS) =>
  (await generateOpenApiDocument("https://kp.example.com/", limits)) as Document;

const operations = (doc: Document) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => method !== "servers")
      .map(([method, operation]) => ({ path, method, operation })),
  );

it("is an OpenAPI 3.1 document of every route, with typed errors and the session scheme", async () => {
  const doc = await generate();
  assert.match(doc.openapi, /^3\.1\./);
  assert.deepEqual(
    doc.servers.map((s) => s.url),
    ["https://kp.example.com/api/v1"],
  );
  const push = doc.paths["/vaults/{vaultId}/events"]?.post;
  assert.ok(push !== undefined);
  assert.deepEqual(push.security, [{ session: [] }]);
  for (const status of ["200", "400", "401", "403", "404", "409", "413", "415", "500"]) {
    assert.ok(status in push.responses, `push documents ${status}`);
  }
  assert.deepEqual(doc.paths["/accounts"]?.post?.security, [], "registration needs no session");
  assert.ok(JSON.stringify(doc.paths["/vaults/{vaultId}/stream"]).includes("text/event-stream"));
  assert.ok(
    JSON.stringify(doc.paths["/relay/exposed-range/{prefix}"]?.get).includes("text/plain"),
    "the range relay answers plain text",
  );
  // The binary routes name their media type for the request and the answer.
  const frames = doc.paths["/vaults/{vaultId}/events/frames"];
  assert.ok(frames?.post?.requestBody?.content[EVENT_FRAMES_MEDIA_TYPE] !== undefined);
  assert.ok(frames.post.responses["200"]?.content?.[EVENT_FRAMES_MEDIA_TYPE] !== undefined);
  assert.ok(frames.get?.responses["200"]?.content?.[EVENT_FRAMES_MEDIA_TYPE] !== undefined);
  const snapshotFrames = doc.paths["/vaults/{vaultId}/snapshots/frames"];
  assert.ok(snapshotFrames?.post?.requestBody?.content[EVENT_FRAMES_MEDIA_TYPE] !== undefined);
  assert.ok(snapshotFrames.post.responses["201"]?.content?.["application/json"] !== undefined);
  assert.equal(
    Object.keys(doc.paths).length,
    38,
    "24 API paths (the binary push and pull share one; the binary snapshot download and upload have one each), 11 sharing paths (with the key-log relay, the inbox stream and the block list), the exposed-password range relay, discovery and the document",
  );
});

it("ties info.version to the protocol version and links the specification", async () => {
  const doc = await generate();
  assert.equal(doc.info.version, API_DOCUMENT_VERSION);
  assert.equal(doc.info.version.split(".")[0], String(PROTOCOL_VERSION));
  assert.equal(doc.externalDocs.url, SPECIFICATION_URL);
  assert.ok(doc.info.license !== undefined && doc.info.contact !== undefined);
});

it("describes every operation, declares security on each, and names every error code", async () => {
  const doc = await generate();
  const declared = new Set(doc.tags.map((t) => t.name));
  for (const { path, method, operation } of operations(doc)) {
    const where = `${method.toUpperCase()} ${path}`;
    assert.ok((operation.description ?? "").length > 40, `${where} has a description`);
    assert.ok(Array.isArray(operation.security), `${where} declares its security`);
    for (const tag of (operation as { tags?: string[] }).tags ?? []) assert.ok(declared.has(tag));
    for (const [status, response] of Object.entries(operation.responses)) {
      if (!/^[45]/.test(status)) continue;
      assert.match(response.description, /^Error \d{3}: [A-Z_]+/, `${where} ${status} names codes`);
      if (status === "429") assert.ok(response.headers?.["Retry-After"], `${where} Retry-After`);
    }
  }
  const login = doc.paths["/sessions"]?.post;
  assert.match(login?.responses["429"]?.description ?? "", /TOO_MANY_REQUESTS/);
  assert.match(login?.responses["400"]?.description ?? "", /BAD_REQUEST/);
});

it("names the shared schemas in components and types the account address", async () => {
  const doc = await generate();
  for (const name of [
    "Checkpoint",
    "Session",
    "Account",
    "Device",
    "KdfParams",
    "PullPage",
    "ServerDescription",
    "BadRequestError",
  ]) {
    assert.ok(doc.components.schemas[name] !== undefined, `${name} is named`);
  }
  const account = doc.components.schemas.Account as {
    properties: { address: { type?: string } };
    required: string[];
  };
  assert.equal(account.properties.address.type, "string");
  assert.ok(account.required.includes("address"));
  assert.ok(
    JSON.stringify(doc.paths["/vaults/{vaultId}/head"]).includes("#/components/schemas/Checkpoint"),
  );
});

it("states this server's limits, not the protocol's ceilings", async () => {
  const limits = { ...DEFAULT_SIZE_LIMITS, maxEventBytes: 300, maxEventsPerPush: 7 };
  const doc = await generate(limits);
  const pushBody = doc.paths["/vaults/{vaultId}/events"]?.post?.requestBody?.content[
    "application/json"
  ]?.schema as { properties: { events: { maxItems: number } } };
  assert.equal(pushBody.properties.events.maxItems, 7);
  const envelope = doc.components.schemas.EventEnvelope as {
    properties: { payload: { maxLength: number } };
  };
  assert.equal(
    envelope.properties.payload.maxLength,
    400,
    "300 bytes are 400 base64url characters",
  );
  assert.deepEqual(doc.info["x-keypears-limits"], limits);
});

it("describes discovery and the document itself, at the server's root", async () => {
  const doc = await generate();
  for (const path of ["/.well-known/keypears.json", "/openapi.json"]) {
    const item = doc.paths[path] as unknown as { servers: { url: string }[] };
    assert.deepEqual(
      item.servers.map((s) => s.url),
      ["https://kp.example.com"],
    );
  }
});
