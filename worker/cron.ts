import type { Agenda } from "agenda";
import { config } from "../shared/config.js";
import type { JobName } from "../shared/jobs/jobMap.js";
import { logger } from "../shared/logger.js";

/**
 * The worker's scheduled tasks and how often each runs (config, so tests can shorten them).
 *
 * Each runs ONCE per tick however many workers run: `every` stores one job of type "single" per
 * name (a unique index in the job store, so every worker's start-up upserts the same row), and a
 * run starts only after a worker locks that row, which one worker at a time can do; the run sets
 * the next tick from its own start.
 */
export const SCHEDULES: { name: JobName; every: string }[] = [
  // Side effects → jobs. A web request's email thus starts within about this long.
  { name: "relayOutbox", every: config.CRON_RELAY_OUTBOX_EVERY },
  { name: "expireUnpaidHolds", every: config.CRON_EXPIRE_HOLDS_EVERY },
  { name: "declineLapsedRequests", every: config.CRON_DECLINE_REQUESTS_EVERY },
  { name: "completePastStays", every: config.CRON_COMPLETE_STAYS_EVERY },
  { name: "reconcilePayments", every: config.CRON_RECONCILE_PAYMENTS_EVERY },
  { name: "pruneEvents", every: config.CRON_PRUNE_EVENTS_EVERY },
  { name: "pruneIdempotencyKeys", every: config.CRON_PRUNE_IDEMPOTENCY_KEYS_EVERY },
  { name: "pruneWebhookReceipts", every: config.CRON_PRUNE_WEBHOOK_RECEIPTS_EVERY },
  { name: "pruneLoginEvents", every: config.CRON_PRUNE_LOGIN_EVENTS_EVERY },
  { name: "syncCalendarFeeds", every: config.CRON_SYNC_CALENDARS_EVERY },
  { name: "sampleOperations", every: config.CRON_SAMPLE_OPERATIONS_EVERY },
];

/** Schedules every task whose job this worker defines. Idempotent: safe at every worker start. */
export async function scheduleTasks(agenda: Agenda): Promise<void> {
  for (const { name, every } of SCHEDULES) {
    if (!agenda.definitions[name]) {
      logger.warn({ job: name }, "scheduled task has no job definition; not scheduled");
      continue;
    }
    const [stored] = (await agenda.queryJobs({ name, limit: 1 })).jobs;
    const job = await agenda.every(every, name, {});
    // `every` keeps a stored task's next run, which the OLD interval computed: a task moved from
    // "1 day" to "1 hour" would otherwise wait up to a day before its new schedule applies.
    if (stored && String(stored.repeatInterval) !== every) {
      await job.schedule(new Date()).save();
      logger.info({ job: name, from: stored.repeatInterval, to: every }, "schedule changed; next run now");
    }
  }
  logger.info({ schedules: Object.fromEntries(SCHEDULES.map((s) => [s.name, s.every])) }, "scheduled tasks");
}
