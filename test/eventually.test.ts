import test from "ava";
import { afterChanges, EventuallyTimeout, eventually } from "./helpers/eventually.js";

test("eventually() resolves with the first truthy value the check returns", async (t) => {
  let n = 0;
  t.is(await eventually(() => ++n >= 3 && n, "the third check", { intervalMs: 1 }), 3);
});

test("eventually()'s time-out names what was awaited, the last value seen and what explain() says", async (t) => {
  const error = await t.throwsAsync(
    eventually(() => null, "the email after two refusals", {
      timeoutMs: 30,
      intervalMs: 5,
      explain: async () => ({ attempts: 2, last_error: "451 try later" }),
    }),
    { instanceOf: EventuallyTimeout },
  );
  t.regex(error.message, /timed out after 30 ms \(\d+ checks\) waiting for the email after two refusals/);
  t.regex(error.message, /last value seen: null/);
  t.regex(error.message, /attempts: 2, last_error: '451 try later'/);
});

test("eventually() does not retry a check that throws", async (t) => {
  let calls = 0;
  await t.throwsAsync(
    eventually(() => {
      calls++;
      throw new Error("a broken query");
    }, "anything"),
    { message: "a broken query" },
  );
  t.is(calls, 1);
});

test("afterChanges() resolves once the counter has moved that many times", async (t) => {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  t.teardown(() => clearInterval(timer));
  const from = ticks;
  await afterChanges(() => ticks, 3, "ticks", 2000);
  t.true(ticks - from >= 3);
});
