import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseServeArgs } from "./serve-args.ts";

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const result = parseServeArgs(argv, { KEYPEARS_HOME: "/home/k/.kp", ...env });
  assert.ok(result.ok, result.ok ? "" : result.error);
  return result.value.options;
};
const refuse = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const result = parseServeArgs(argv, env);
  assert.equal(result.ok, false);
  return result.ok ? "" : result.error;
};

describe("keypears serve options", () => {
  it("defaults to the embedded database in $KEYPEARS_HOME/server on 127.0.0.1:7420", () => {
    const options = parse(["--domain", "Example.COM"]);
    assert.deepEqual(options.database, {
      kind: "embedded",
      dataDir: join("/home/k/.kp", "server"),
    });
    assert.equal(options.port, 7420);
    assert.equal(options.host, "127.0.0.1");
    assert.equal(options.domain, "example.com");
  });

  it("runs on Postgres with --database-url or KEYPEARS_DATABASE_URL; flags win over the environment", () => {
    const url = "postgres://kp@db:5432/keypears";
    assert.deepEqual(parse(["--database-url", url, "--domain", "a.test"]).database, {
      kind: "postgres",
      url,
    });
    assert.deepEqual(parse(["--domain", "a.test"], { KEYPEARS_DATABASE_URL: url }).database, {
      kind: "postgres",
      url,
    });
    assert.deepEqual(
      parse(["--domain", "a.test", "--data-dir", "/tmp/x"], { DATABASE_URL: url }).database,
      {
        kind: "embedded",
        dataDir: "/tmp/x",
      },
    );
    assert.equal(parse(["--port", "0", "--domain", "a.test"], { KEYPEARS_PORT: "9" }).port, 0);
    assert.equal(parse([], { KEYPEARS_DOMAIN: "env.test" }).domain, "env.test");
  });

  it("reads the per-account quotas, the pull page size and the pruning schedule", () => {
    const options = parse([
      "--domain",
      "a.test",
      "--quota-storage-mib",
      "10",
      "--quota-events-per-minute",
      "60",
      "--quota-streams",
      "2",
      "--quota-requests",
      "1",
      "--max-pull-mib",
      "1",
      "--prune-every",
      "0",
    ]);
    assert.deepEqual(options.quotas, {
      maxStoredBytes: 10 * 1024 * 1024,
      eventsPerMinute: 60,
      maxOpenStreams: 2,
      maxConcurrentRequests: 1,
    });
    assert.deepEqual(options.limits, { maxPullBytes: 1024 * 1024 });
    assert.equal(options.pruneEveryMs, 0);
    assert.deepEqual(parse(["--domain", "a.test"]).quotas, {});
    assert.match(refuse(["--domain", "a.test", "--quota-streams", "0"]), /--quota-streams/);
    assert.match(refuse(["--domain", "a.test", "--max-pull-mib", "1.5"]), /--max-pull-mib/);
    assert.equal(parse(["--domain", "a.test", "--trust-proxy", "2"]).trustProxy, 2);
    assert.deepEqual(
      parse(["--domain", "a.test", "--tls-cert", "/c.pem", "--tls-key", "/k.pem"]).tls,
      { certFile: "/c.pem", keyFile: "/k.pem" },
    );
    assert.match(refuse(["--domain", "a.test", "--tls-cert", "/c.pem"]), /go together/);
  });

  it("refuses what it cannot use, saying why", () => {
    assert.match(refuse(["--port", "70000"]), /--port/);
    assert.match(refuse(["--domain", "localhost"]), /reserved/);
    assert.match(refuse(["--domain", "bad domain"]), /not a domain/);
    assert.match(refuse(["--domain", "a.test", "--database-url", "mysql://x"]), /postgres:\/\//);
    assert.match(
      refuse(["--domain", "a.test", "--database-url", "postgres://x", "--data-dir", "y"]),
      /cannot go with/,
    );
    assert.match(refuse(["--domain", "a.test", "--log-level", "loud"]), /--log-level/);
    assert.match(refuse(["--what"]), /Unknown option/);
  });

  it("serves a web app folder from --web-root or KEYPEARS_WEB_ROOT (flag first), none by default", () => {
    assert.equal(parse(["--domain", "example.com"]).webRoot, undefined);
    assert.equal(
      parse(["--domain", "example.com"], { KEYPEARS_WEB_ROOT: "/srv/web" }).webRoot,
      "/srv/web",
    );
    assert.equal(
      parse(["--domain", "example.com", "--web-root", "/opt/app"], {
        KEYPEARS_WEB_ROOT: "/srv/web",
      }).webRoot,
      "/opt/app",
    );
  });

  it("runs one worker per core on Postgres by default, one on the embedded database, and refuses more there", () => {
    const workers = (argv: string[]) => {
      const result = parseServeArgs(["--domain", "a.test", ...argv], { KEYPEARS_HOME: "/k" });
      assert.ok(result.ok, result.ok ? "" : result.error);
      return result.value.workers;
    };
    const url = "postgres://kp@db:5432/keypears";
    assert.equal(workers([]), 1);
    assert.equal(workers(["--database-url", url]), availableParallelism());
    assert.equal(workers(["--database-url", url, "--workers", "3"]), 3);
    assert.equal(workers(["--workers", "1"]), 1);
    assert.match(refuse(["--domain", "a.test", "--workers", "2"]), /needs --database-url/);
    for (const bad of ["0", "two", "1.5", "10000"]) {
      assert.match(
        refuse(["--domain", "a.test", "--database-url", url, "--workers", bad]),
        /--workers expects/,
      );
    }
  });

  it("takes the exposed-password range source, and allows a private one only when told", () => {
    assert.deepEqual(parse(["--domain", "a.test"]).exposedRange, {});
    assert.deepEqual(
      parse([
        "--domain",
        "a.test",
        "--exposed-source",
        "http://10.0.0.5/range",
        "--exposed-source-private",
      ]).exposedRange,
      { source: "http://10.0.0.5/range/", allowPrivate: true },
    );
    assert.deepEqual(
      parse(["--domain", "a.test"], { KEYPEARS_EXPOSED_SOURCE: "https://mirror.test/r/" })
        .exposedRange,
      { source: "https://mirror.test/r/" },
    );
    assert.match(
      refuse(["--domain", "a.test", "--exposed-source", "ftp://x/"]),
      /--exposed-source/,
    );
    assert.match(refuse(["--domain", "a.test", "--exposed-source", "https://x/?k=1"]), /query/);
  });
});
