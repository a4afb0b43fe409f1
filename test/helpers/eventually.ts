import { inspect } from "node:util";

/**
 * The tests' one way to wait: poll a condition until it holds, instead of sleeping a guessed time.
 * On time-out the error names what was awaited, the last value the check returned, and whatever
 * `explain` returns then (the rows, logs or counters that would say why it never happened).
 */
export interface EventuallyOptions {
  /** Default 15 s: generous on a loaded machine; a passing wait returns as soon as it holds. */
  timeoutMs?: number;
  /** Between two checks; default 50 ms. */
  intervalMs?: number;
  /** Called once, on time-out, for the failure message. */
  explain?: () => unknown;
}

/** What a passing check returned: its value without the falsy cases. */
export type Truthy<T> = Exclude<T, false | null | undefined | 0 | "">;

export class EventuallyTimeout extends Error {
  override name = "EventuallyTimeout";
}

const show = (value: unknown) =>
  inspect(value, { depth: 6, breakLength: 120, maxArrayLength: 50, maxStringLength: 4000 });

/**
 * Resolves with the first truthy value `check` returns. An error thrown by `check` is not retried:
 * it propagates at once (a failing query is a bug, not a condition that is not met yet).
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  what: string,
  options: number | EventuallyOptions = {},
): Promise<Truthy<T>> {
  const {
    timeoutMs = 15_000,
    intervalMs = 50,
    explain,
  } = typeof options === "number" ? { timeoutMs: options } : options;
  const started = Date.now();
  let last: T | undefined;
  let checks = 0;
  for (;;) {
    last = await check();
    checks++;
    if (last) return last as Truthy<T>;
    if (Date.now() - started > timeoutMs) {
      let context = "";
      if (explain) {
        try {
          context = `\n  state then: ${show(await explain())}`;
        } catch (err) {
          context = `\n  (explain() failed: ${String(err)})`;
        }
      }
      throw new EventuallyTimeout(
        `timed out after ${timeoutMs} ms (${checks} checks) waiting for ${what}; last value seen: ${show(last)}${context}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * For "it does not happen" assertions: resolves once `count` more changes of an observable counter
 * (a task's last run, a poll count) have been seen, so that the assertion after it has had that many
 * chances to fail, however slow the machine. `read` returns the counter's current value.
 */
export async function afterChanges(
  read: () => unknown | Promise<unknown>,
  count: number,
  what: string,
  options: number | EventuallyOptions = {},
): Promise<void> {
  const value = async () => {
    const v = await read();
    return v instanceof Date ? v.getTime() : v;
  };
  let previous = await value();
  let seen = 0;
  await eventually(
    async () => {
      const now = await value();
      if (now !== previous && now !== null && now !== undefined) seen++;
      previous = now;
      return seen >= count;
    },
    `${count} ${what}`,
    {
      intervalMs: 20,
      explain: () => ({ seen, lastValue: previous }),
      ...(typeof options === "number" ? { timeoutMs: options } : options),
    },
  );
}
