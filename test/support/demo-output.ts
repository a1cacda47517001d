// Reading the demo's printout in tests: the next-step command it ends with.

/** The command the demo's last lines give as the next step (backslash-continued lines, as a shell reads them). */
export function nextStep(stdout: string): string {
  const m = /Run the nightly job again \(it replaces the day's snapshot[^)]*\):\n((?:.*\\\n)*.*)\n*$/.exec(stdout);
  if (!m) throw new Error(`no next step in the demo's output:\n${stdout.slice(-500)}`);
  return m[1]!.trim();
}
