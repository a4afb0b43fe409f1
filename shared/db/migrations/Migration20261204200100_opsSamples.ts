import { Migration } from "@mikro-orm/migrations";

/** The operations page's gauges over time: the worker's sample every CRON_SAMPLE_OPERATIONS_EVERY. */
export class Migration20261204200100_opsSamples extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table "ops_samples" (
        "id" bigserial primary key,
        "at" timestamptz not null default now(),
        "sockets" integer not null,
        "queue_depth" integer not null,
        "failed_jobs" integer not null
      );`);
    this.addSql(`create index "ops_samples_at_idx" on "ops_samples" ("at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "ops_samples";`);
  }
}
