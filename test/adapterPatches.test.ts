import test from "ava";
import { guardAdapterClient } from "../shared/events/adapterPatches.js";
import { createRedis } from "../shared/redis.js";

// The streams adapter drops the promises of its PUBLISH (heartbeats) and SUBSCRIBE: while Redis is
// away they rejected unhandled, which ended a test process that ran the app in-process (it failed
// realtime.caps once in eight runs). A closed port stands for a Redis that went away.
test("the adapter's Redis client and its duplicates leave no rejection unhandled while Redis is away", async (t) => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  t.teardown(() => process.off("unhandledRejection", onUnhandled));

  const client = guardAdapterClient(createRedis("adapter-guard-test", "redis://127.0.0.1:1"));
  const duplicate = client.duplicate();
  duplicate.on("error", () => undefined);
  t.teardown(() => {
    client.disconnect();
    duplicate.disconnect();
  });
  void client.publish("channel", "heartbeat"); // fired and forgotten, as the adapter does
  void duplicate.subscribe("channel");
  // Commands fail in the order they were sent on each connection: once these awaited ones have
  // failed, so have the forgotten ones; Node reports an unhandled one by the next turn of the loop.
  const awaited = await client.publish("channel", "awaited").catch((err: Error) => err);
  t.true(awaited instanceof Error, "a caller that awaits still gets the rejection");
  t.true((await duplicate.subscribe("other").catch((err: Error) => err)) instanceof Error);
  await new Promise((resolve) => setImmediate(resolve));
  t.deepEqual(unhandled, []);
});
