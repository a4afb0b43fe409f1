import "./helpers/env.js";

process.env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS = "300";

import { setTimeout as sleep } from "node:timers/promises";
import test from "ava";

test("a transaction left idle past DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS is ended by PostgreSQL; the pool carries on", async (t) => {
  // Imported here, after the variable is set: config is read once, at import.
  const { initOrm } = await import("../shared/db/orm.js");
  const orm = await initOrm();
  t.teardown(() => orm.close());
  const stuck = orm.em.fork().transactional(async (em) => {
    await em.getConnection().execute("select 1", [], "all", em.getTransactionContext());
    await sleep(1000); // a request or job stuck between two statements, holding its transaction open
    await em.getConnection().execute("select 1", [], "all", em.getTransactionContext());
  });
  const err = await t.throwsAsync(stuck);
  // PostgreSQL ends the session (FATAL 25P03); the client sees its connection gone.
  t.regex(String(err?.message), /idle-in-transaction timeout|terminat|connection error/i);
  const [{ ok }] = await orm.em.getConnection().execute<{ ok: number }[]>("select 1 as ok");
  t.is(ok, 1, "the next query gets a fresh connection");
});
