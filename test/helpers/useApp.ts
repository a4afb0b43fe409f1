import test from "ava";
import { type RunningApp, startApp } from "./app.js";
import { closeFactories } from "./factories.js";
import { type ApiClient, apiClient } from "./http.js";

/**
 * A test file's app, for the usual case: started by a serial before hook (after env.js's, which makes
 * the file's database; call useApp before the file's own hooks so they can use it), closed with the
 * factories' pool after the last test. `api` talks to it; `app()` is the running app.
 * (Not in app.ts: the benchmarks import that one, and ava refuses to be imported outside its CLI.)
 */
export function useApp(options: Parameters<typeof startApp>[0] = {}): { api: ApiClient; app: () => RunningApp } {
  let running: RunningApp | undefined;
  const app = () => {
    if (!running) throw new Error("useApp: the app starts in a before hook; use it from hooks and tests");
    return running;
  };
  test.serial.before("start the app", async () => {
    running = await startApp(options);
  });
  test.after.always("close the app", async () => {
    await running?.close();
    await closeFactories();
  });
  return { api: apiClient(() => app().url), app };
}
