import { Migration } from "@mikro-orm/migrations";

/**
 * Login analytics (issue 19): each login event carries what GeoIP and the User-Agent say of it
 * (written once, when it is recorded), whether the IP blocklist refused it, and which door it knocked
 * on (login or register). The admin IP blocklist (CIDR ranges, `>>=` through a GiST inet_ops index)
 * and the admin security alerts (one per subject and window) are new tables.
 */
export class Migration20261204200000_loginGeoIp extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table "login_events"
        add column "attempt" text not null default 'login' check ("attempt" in ('login', 'register')),
        add column "blocked" boolean not null default false,
        add column "ip_kind" text not null default 'unknown'
          check ("ip_kind" in ('public', 'private', 'loopback', 'reserved', 'unknown')),
        add column "country" varchar(2) null,
        add column "region" text null,
        add column "city" text null,
        add column "asn" integer null,
        add column "as_org" text null,
        add column "browser" text null,
        add column "os" text null;`);
    // The alerts ask "has this account logged in from here / with this device lately?"; analytics and
    // brute-force detection read failures by time, by IP and by account.
    this.addSql(
      `create index "login_events_user_success_idx" on "login_events" ("user_id", "created_at") where "success";`,
    );
    this.addSql(
      `create index "login_events_ip_failed_idx" on "login_events" ("ip", "created_at") where not "success";`,
    );

    this.addSql(`
      create table "ip_blocks" (
        "id" uuid primary key default gen_random_uuid(),
        "cidr" cidr not null,
        "reason" text not null,
        "expires_at" timestamptz null,
        "created_by" uuid null,
        "created_at" timestamptz not null default now(),
        "hits" integer not null default 0,
        "last_hit_at" timestamptz null
      );`);
    this.addSql(`create index "ip_blocks_cidr_idx" on "ip_blocks" using gist ("cidr" inet_ops);`);

    this.addSql(`
      create table "security_alerts" (
        "id" bigserial primary key,
        "kind" text not null,
        "subject" text not null,
        "data" jsonb not null,
        "created_at" timestamptz not null default now()
      );`);
    this.addSql(`create index "security_alerts_subject_idx" on "security_alerts" ("kind", "subject", "created_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "security_alerts";`);
    this.addSql(`drop table if exists "ip_blocks";`);
    this.addSql(`drop index if exists "login_events_user_success_idx";`);
    this.addSql(`drop index if exists "login_events_ip_failed_idx";`);
    this.addSql(`
      alter table "login_events"
        drop column "attempt", drop column "blocked", drop column "ip_kind", drop column "country",
        drop column "region", drop column "city", drop column "asn", drop column "as_org",
        drop column "browser", drop column "os";`);
  }
}
