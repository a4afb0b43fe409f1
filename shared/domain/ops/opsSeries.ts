import { z } from "zod";
import { sql } from "../../db/sql.js";
import { digits } from "../../text.js";
import { defineQuery } from "../commands/define.js";
import type { OpsMinute } from "./view.js";

const UNKNOWN_COUNTRY = "??";

export const opsSeriesQuery = z
  .object({
    minutes: digits({ min: 5, max: 180 }).default(60).meta({ description: "How far back (5-180, default 60)." }),
  })
  .strict();

/**
 * GET /admin/ops/series: the operations page's charts for the last `minutes`, one row per minute, oldest
 * first (minutes with nothing are there, with zeros): bookings created and payment outcomes (from the
 * events the pipeline published), failed logins by country (login events), and the minute's last
 * sample of sockets, queue depth and failed jobs (ops_samples).
 */
export const opsSeries = defineQuery({
  name: "ops.series",
  input: opsSeriesQuery,
  async run({ input, em }): Promise<{ minutes: OpsMinute[] }> {
    const rows = await sql(em)<{ minute: OpsMinute }>(
      `with m as (
         select generate_series(date_trunc('minute', now()) - (?::int - 1) * interval '1 minute',
                                date_trunc('minute', now()), interval '1 minute') as minute),
       ev as (
         select date_trunc('minute', created_at) as minute,
                count(*) filter (where type = 'booking.created') as bookings,
                count(*) filter (where type = 'payment.updated' and data->>'status' = 'succeeded') as succeeded,
                count(*) filter (where type = 'payment.updated' and data->>'status' = 'failed') as failed
           from events
          where created_at >= (select min(minute) from m) and type in ('booking.created', 'payment.updated')
          group by 1),
       lf as (
         select minute, jsonb_object_agg(country, n) as by_country
           from (select date_trunc('minute', created_at) as minute, coalesce(country, ?) as country, count(*) as n
                   from login_events
                  where not success and created_at >= (select min(minute) from m)
                  group by 1, 2) x
          group by minute),
       s as (
         select distinct on (date_trunc('minute', at)) date_trunc('minute', at) as minute, sockets, queue_depth, failed_jobs
           from ops_samples
          where at >= (select min(minute) from m)
          order by date_trunc('minute', at), at desc)
       select jsonb_build_object(
                'minute', utc_iso(m.minute),
                'bookings', coalesce(ev.bookings, 0),
                'payments', jsonb_build_object('succeeded', coalesce(ev.succeeded, 0), 'failed', coalesce(ev.failed, 0)),
                'loginFailures', coalesce(lf.by_country, '{}'::jsonb),
                'gauges', case when s.minute is null then null else
                  jsonb_build_object('sockets', s.sockets, 'queueDepth', s.queue_depth, 'failedJobs', s.failed_jobs) end
              ) as minute
         from m left join ev using (minute) left join lf using (minute) left join s using (minute)
        order by m.minute`,
      // "??" (no country) is bound: knex would read it as an identifier placeholder in the text.
      [input.minutes, UNKNOWN_COUNTRY],
    );
    return { minutes: rows.map((r) => r.minute) };
  },
});
