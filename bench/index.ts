// `npm run bench`: the benchmarks in this folder, each with what it measures and how to run it;
// `npm run bench -- <name> [options]` runs one (bun run bench/<name>.ts [options]). A bench is a
// file here whose header has a `// Usage:` line; the list is read from those headers, so a new
// bench is listed as soon as it exists. Results go into BENCHMARKS.md by hand.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface Bench {
  name: string;
  summary: string;
  usage: string[];
}

/** The benches of `dir`: every *.ts whose header comment has a `// Usage:` line. */
export function listBenches(dir: string = import.meta.dir): Bench[] {
  const out: Bench[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts")).sort()) {
    const header: string[] = [];
    for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
      if (!line.startsWith("//")) break;
      header.push(line.replace(/^\/\/ ?/, ""));
    }
    const at = header.findIndex((l) => l.startsWith("Usage:"));
    if (at < 0) continue;
    const usage = [header[at]!.replace(/^Usage:\s*/, "")];
    // Continuation lines are indented under the command.
    for (const l of header.slice(at + 1)) {
      if (!/^\s{2,}\S/.test(l)) break;
      usage.push(l);
    }
    const text = header.slice(0, at).join(" ").replace(/\s+/g, " ").trim();
    const summary = /^(.*?[.:])(\s|$)/.exec(text)?.[1]?.replace(/:$/, ".") ?? text;
    out.push({ name: file.replace(/\.ts$/, ""), summary, usage });
  }
  return out;
}

function printList(benches: readonly Bench[]): void {
  const lines = ["Benchmarks (results in BENCHMARKS.md). Run one: npm run bench -- <name> [options]", ""];
  for (const b of benches) lines.push(`${b.name}: ${b.summary}`, ...b.usage.map((u) => `    ${u}`), "");
  process.stdout.write(lines.join("\n"));
}

if (import.meta.main) {
  const [name, ...rest] = process.argv.slice(2);
  const benches = listBenches();
  if (name === undefined || name === "--help" || name === "-h" || name === "list") {
    printList(benches);
    process.exit(0);
  }
  const bench = benches.find((b) => b.name === name);
  if (!bench) {
    process.stderr.write(`bench: no benchmark named ${JSON.stringify(name)}; choose one of ${benches.map((b) => b.name).join(", ")} (npm run bench lists them)\n`);
    process.exit(2);
  }
  const proc = Bun.spawn([process.execPath, "run", join(import.meta.dir, `${name}.ts`), ...rest], { stdio: ["inherit", "inherit", "inherit"] });
  process.exit(await proc.exited);
}
