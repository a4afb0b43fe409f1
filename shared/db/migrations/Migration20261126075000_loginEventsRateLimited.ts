import { Migration } from "@mikro-orm/migrations";

/** login_events.rate_limited: an attempt refused by a login rate limit (its password was never checked). */
export class Migration20261126075000_loginEventsRateLimited extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "login_events" add column "rate_limited" boolean not null default false;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "login_events" drop column "rate_limited";`);
  }
}
