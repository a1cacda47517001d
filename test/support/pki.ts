// A throwaway certificate authority for TLS tests, made with the openssl command: a CA, and
// certificates it signs (a server's for 127.0.0.1, or a client's by common name), as PEM files.
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface Pem {
  certFile: string;
  keyFile: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  const proc = Bun.spawn(["openssl", ...args], { cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [err, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`pki: openssl ${args[0]} exited ${code}: ${err.trim()}`);
}

/** A new CA in `dir` named `name` (files name.pem, name.key; the key mode 0600). */
export async function makeCa(dir: string, name: string): Promise<Pem> {
  const certFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, `${name}.key`);
  await openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", certFile, "-days", "3", "-subj", `/CN=${name}`,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], dir);
  chmodSync(keyFile, 0o600);
  return { certFile, keyFile };
}

/** A certificate for `cn` signed by `ca`: for a server on 127.0.0.1 (with its IP and localhost as names) or a client. */
export async function makeCert(dir: string, ca: Pem, cn: string, role: "server" | "client"): Promise<Pem> {
  const base = join(dir, cn.replace(/[^A-Za-z0-9.-]/g, "_"));
  const certFile = `${base}.pem`;
  const keyFile = `${base}.key`;
  const ext = `${base}.ext`;
  writeFileSync(ext, role === "server" ? "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n" : "extendedKeyUsage=clientAuth\n");
  await openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", `${base}.csr`, "-subj", `/CN=${cn}`], dir);
  await openssl(["x509", "-req", "-in", `${base}.csr`, "-CA", ca.certFile, "-CAkey", ca.keyFile, "-CAcreateserial", "-out", certFile, "-days", "3", "-extfile", ext], dir);
  chmodSync(keyFile, 0o600);
  return { certFile, keyFile };
}
