// Compiles a probe entry file into a standalone binary with build.ts's options (esm, bytecode,
// minify, no .env or bunfig), in a new temp dir: how the e2e tests prove a library works inside
// `bun build --compile`. Returns the binary's path and its dir (the caller removes the dir).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function compileProbe(entry: string, name: string): Promise<{ dir: string; bin: string }> {
  const dir = mkdtempSync(join(tmpdir(), `serverdb-etl-${name}-`));
  const bin = join(dir, name);
  const result = await Bun.build({
    entrypoints: [entry],
    compile: { outfile: bin, autoloadDotenv: false, autoloadBunfig: false },
    format: "esm",
    bytecode: true,
    minify: true,
  });
  if (!result.success) throw new Error(`building ${name} failed:\n${result.logs.join("\n")}`);
  return { dir, bin };
}
