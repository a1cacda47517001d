// A PuppetDB fact path as a declared column names it (`processors.count`): dotted segments of
// [A-Za-z0-9_], which PQL's dotted field syntax (`facts.processors.count`) takes without quoting.

const SEGMENTS = /^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*$/;

/** The reason `path` is not a usable fact path, or undefined when it is one. */
export function factPathProblem(path: string): string | undefined {
  if (path.startsWith("facts.")) return `write the fact's own path, without "facts." (e.g. "${path.slice(6)}")`;
  // Longer than any real fact path, and it keeps one query's URL within what servers accept.
  if (path.length > 200) return "a fact path has at most 200 characters";
  if (!SEGMENTS.test(path)) return 'use dotted names of letters, digits and _, e.g. "processors.count" or "os.release.full"';
  return undefined;
}
