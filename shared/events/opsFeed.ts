import type { Server } from "socket.io";
import type { OpsGauges, OpsUpdate } from "../domain/ops/view.js";
import { logger } from "../logger.js";
import { publishToStreamOnly } from "./adapterPatches.js";
import type { EventEnvelope } from "./eventMap.js";

/** The Socket.IO room of admins watching the operations page (`subscribe {ops: true}`). */
export const OPS_ROOM = "ops";
/** At most one ops.update a second. */
export const OPS_UPDATE_INTERVAL_MS = 1000;

/**
 * Folds the events the relay publishes into the admins' `ops.update`: bookings created, payment
 * outcomes, failed logins by country, the worker's latest gauges. Updates go out at most once per
 * OPS_UPDATE_INTERVAL_MS, carrying everything counted since the last one; nothing is sent while
 * nothing happened. The relay leader is the one publisher, so this is the one feed (a leader
 * change may at worst send two updates within a second).
 */
export class OpsFeed {
  private pending: Omit<OpsUpdate, "at"> = OpsFeed.empty();
  private dirty = false;
  private lastSent = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly send: (update: OpsUpdate) => Promise<void>,
    private readonly intervalMs = OPS_UPDATE_INTERVAL_MS,
  ) {}

  private static empty(): Omit<OpsUpdate, "at"> {
    return { bookings: 0, payments: { succeeded: 0, failed: 0 }, loginFailures: {}, gauges: null };
  }

  note(envelopes: EventEnvelope[]): void {
    for (const envelope of envelopes) {
      switch (envelope.type) {
        case "booking.created":
          this.pending.bookings++;
          break;
        case "payment.updated": {
          const status = (envelope as EventEnvelope<"payment.updated">).data.status;
          if (status !== "succeeded" && status !== "failed") continue;
          this.pending.payments[status]++;
          break;
        }
        case "login.failed": {
          const country = (envelope as EventEnvelope<"login.failed">).data.country ?? "??";
          this.pending.loginFailures[country] = (this.pending.loginFailures[country] ?? 0) + 1;
          break;
        }
        case "ops.sample":
          this.pending.gauges = (envelope as EventEnvelope<"ops.sample">).data as OpsGauges;
          break;
        default:
          continue;
      }
      this.dirty = true;
    }
    if (this.dirty) this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastSent + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
    this.timer.unref();
  }

  private flush(): void {
    this.timer = null;
    if (!this.dirty) return;
    const update: OpsUpdate = { at: new Date().toISOString(), ...this.pending };
    this.pending = OpsFeed.empty();
    this.dirty = false;
    this.lastSent = Date.now();
    // A lost update is only a gap in a live chart (the page reloads the series on reconnect).
    this.send(update).catch((err: Error) => logger.debug({ err: err.message }, "ops update not sent"));
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** The feed that publishes to the ops room through the streams adapter (every instance's admins). */
export function socketOpsFeed(io: Server): OpsFeed {
  return new OpsFeed((update) => publishToStreamOnly(io, [OPS_ROOM], "ops.update", update));
}
