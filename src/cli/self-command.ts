// How a shell runs this tool again, for the commands it prints for a person to copy (the demo's
// next step): the running executable by its path (`npm run build` puts it in dist/, not on
// PATH), or bun and the script for a source checkout; the bare name where PATH finds that file.
import { realpathSync } from "node:fs";
import { basename } from "node:path";

/** True inside the executable `bun build --compile` made (its modules live in a virtual /$bunfs). */
function isCompiled(main: string): boolean {
  return main.startsWith("/$bunfs/") || /^[A-Za-z]:[\\/]~BUN[\\/]/.test(main);
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/** The first of `names` by which PATH finds the file `path`, else `path` itself. */
function shortestName(path: string, names: readonly string[]): string {
  for (const name of names) {
    const found = Bun.which(name, { PATH: process.env.PATH ?? "" });
    if (found && sameFile(found, path)) return name;
  }
  return path;
}

/** The words that run this tool: `["/opt/x/serverdb-etl"]`, `["serverdb-etl"]`, or `["bun", "run", "/src/…/cli.ts"]`. */
export function selfCommand(main = Bun.main, execPath = process.execPath): string[] {
  if (isCompiled(main)) return [shortestName(execPath, [basename(execPath)])];
  return [shortestName(execPath, ["bun", basename(execPath)]), "run", main];
}
