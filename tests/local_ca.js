// A throwaway certificate authority for HTTPS in the real browser: openssl makes the CA
// and a leaf for adal.test (and 127.0.0.1), and certutil puts the CA into an NSS
// database in a home directory of its own, which is where Debian's chromium looks for
// the roots a user added. The browser started with that HOME trusts the CA, and nothing
// else changes: a certificate of any other CA is still refused.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const TEST_HOST = "adal.test";

/** Makes a CA and a leaf for adal.test and 127.0.0.1 in `dir`; returns their paths. */
export function makeLocalCa(dir = mkdtempSync(join(tmpdir(), "adal-ca-"))) {
  const path = (name) => join(dir, name);
  const openssl = (...args) => execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  openssl("req", "-x509", ...ec, "-keyout", path("ca.key"), "-out", path("ca.pem"), "-days", "30",
    "-subj", "/CN=Adal throwaway test CA",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  openssl("req", ...ec, "-keyout", path("key.pem"), "-out", path("leaf.csr"), "-subj", `/CN=${TEST_HOST}`);
  writeFileSync(path("leaf.ext"), [
    `subjectAltName=DNS:${TEST_HOST},IP:127.0.0.1`,
    "basicConstraints=critical,CA:FALSE",
    "keyUsage=critical,digitalSignature",
    "extendedKeyUsage=serverAuth",
  ].join("\n") + "\n");
  openssl("x509", "-req", "-in", path("leaf.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
    "-CAcreateserial", "-days", "30", "-extfile", path("leaf.ext"), "-out", path("cert.pem"));
  return { dir, ca: path("ca.pem"), cert: path("cert.pem"), key: path("key.pem") };
}

/** A fresh home directory whose NSS database trusts `caPem` (or nothing, without it). */
export function homeTrusting(caPem) {
  const home = mkdtempSync(join(tmpdir(), "adal-home-"));
  const db = join(home, ".pki", "nssdb");
  mkdirSync(db, { recursive: true });
  execFileSync("certutil", ["-d", `sql:${db}`, "-N", "--empty-password"]);
  if (caPem) execFileSync("certutil", ["-d", `sql:${db}`, "-A", "-t", "C,,", "-n", "adal-test-ca", "-i", caPem]);
  return home;
}
