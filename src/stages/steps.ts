// Steps run one after another, each named: the nightly `run` (init --check, etl, aggregate,
// expire) and chained commands (`serverdb-etl etl aggregate`) both go through runStep, so a failure
// says which step failed the same way, keeps its class (and so its exit code), and each step is timed.

/** The step's result and how long it took. */
export interface StepResult<T> {
  result: T;
  seconds: number;
}

/**
 * Run `fn` as step `name`; an Error thrown by it gets `step <name>: ` in front, unless it already
 * names a step (a step that runs steps itself, like `run` inside the demo, names the innermost).
 */
export async function runStep<T>(name: string, fn: () => Promise<T>): Promise<StepResult<T>> {
  const started = performance.now();
  try {
    const result = await fn();
    return { result, seconds: (performance.now() - started) / 1000 };
  } catch (err) {
    throw stepError(name, err);
  }
}

/** `err` with the step's name in front, same class (so the same exit code). */
export function stepError(step: string, err: unknown): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  if (!e.message.startsWith("step ")) e.message = `step ${step}: ${e.message}`;
  return e;
}
