/**
 * The server speaks HTTPS itself with --tls-cert and --tls-key, and takes a renewed certificate
 * without a restart (`reloadTls`, which `keypears serve` runs on SIGHUP). Certificates are made
 * for the test with openssl.
 */

import { boundedIt } from "@keypears/base/testing";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import type { TLSSocket } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe } from "node:test";
import { startTestServer, type TestServer } from "./testing/test-server.ts";

const it = boundedIt(60_000);
const dir = mkdtempSync(join(tmpdir(), "kp-tls-"));

const makeCert = (name: string): { cert: string; key: string } => {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-days",
      "1",
      "-subj",
      `/CN=${name}`,
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      key,
      "-out",
      cert,
    ],
    { stdio: "ignore" },
  );
  return { cert, key };
};

/** GET /health over a new TLS connection trusting `ca`; the status and the server's certificate. */
const health = (url: string, ca: string) =>
  new Promise<{ status: number; fingerprint: string }>((resolve, reject) => {
    const req = request(`${url}/api/v1/health`, { ca: readFileSync(ca), agent: false }, (res) => {
      const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, fingerprint }));
    });
    req.on("error", reject);
    req.end();
  });

const fingerprintOf = (cert: string) => new X509Certificate(readFileSync(cert)).fingerprint256;

describe("TLS", () => {
  let test: TestServer | undefined;
  after(async () => {
    await test?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves HTTPS, reloads a renewed certificate, and keeps the old one when the new files are bad", async () => {
    const first = makeCert("first");
    const second = makeCert("second");
    const live = { certFile: join(dir, "live.crt"), keyFile: join(dir, "live.key") };
    copyFileSync(first.cert, live.certFile);
    copyFileSync(first.key, live.keyFile);
    test = await startTestServer({ tls: live });
    assert.match(test.server.url, /^https:\/\//);
    const before = await health(test.server.url, first.cert);
    assert.deepEqual(before, { status: 200, fingerprint: fingerprintOf(first.cert) });

    copyFileSync(second.cert, live.certFile);
    copyFileSync(second.key, live.keyFile);
    test.server.reloadTls();
    assert.equal(
      (await health(test.server.url, second.cert)).fingerprint,
      fingerprintOf(second.cert),
    );

    // A key that does not match the certificate is refused; the server keeps serving the last pair.
    copyFileSync(first.key, live.keyFile);
    assert.throws(() => test?.server.reloadTls());
    writeFileSync(live.certFile, "not a certificate");
    assert.throws(() => test?.server.reloadTls());
    assert.equal(
      (await health(test.server.url, second.cert)).fingerprint,
      fingerprintOf(second.cert),
    );
  });
});
