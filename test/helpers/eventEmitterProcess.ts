/**
 * An OS process that only emits events, as a web or worker process's commands do (one transaction
 * each, through the unit of work), and runs no event relay: the leading relay of another process
 * must find its events. Used by test/events.concurrency.test.ts.
 *
 *   EMIT_USERS=<uuid,…> EMIT_COUNT=<transactions> EMIT_TAG=<label> node --import tsx test/helpers/eventEmitterProcess.ts
 */
import { initOrm } from "../../shared/db/orm.js";
import { inUnitOfWork } from "../../shared/domain/commands/unitOfWork.js";

const users = (process.env.EMIT_USERS ?? "").split(",").filter(Boolean);
const count = Number(process.env.EMIT_COUNT ?? 100);
const tag = process.env.EMIT_TAG ?? "e";
const CONCURRENCY = 8;

const orm = await initOrm();
const pick = () => users[Math.floor(Math.random() * users.length)];
let next = 0;
let emitted = 0;
async function loop() {
  for (let i = next++; i < count; i = next++) {
    // One or two events per transaction, each for one or two users.
    const events = Array.from({ length: 1 + (i % 2) }, (_, k) => ({
      type: "listing.availability" as const,
      userIds: Math.random() < 0.3 ? [pick(), pick()] : [pick()],
      data: { listingId: users[0], blocked: [{ checkIn: `${tag}-${i}-${k}`, checkOut: "" }] },
    }));
    await inUnitOfWork(orm, async (tx) => {
      for (const event of events) await tx.emit(event);
    });
    emitted += events.length;
  }
}
await Promise.all(Array.from({ length: CONCURRENCY }, loop));
console.log(`emitted ${emitted} events in ${count} transactions`);
await orm.close();
