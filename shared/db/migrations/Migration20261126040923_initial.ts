import { getCreateIndexesSQL, getCreateTableSQL } from "@agendajs/postgres-backend";
import { Migration } from "@mikro-orm/migrations";

/** The whole schema: domain tables, the events outbox, side effects, and Agenda's job table. */

export class Migration20261126040923_initial extends Migration {
  override async up(): Promise<void> {
    // btree_gist: the bookings exclusion constraint mixes = on uuid with && on daterange.
    this.addSql("create extension if not exists btree_gist;");
    this.addSql("create extension if not exists citext;");
    this.addSql("create extension if not exists pgcrypto;");

    this.addSql(
      `create table "events" ("id" bigserial primary key, "type" varchar(60) not null, "user_ids" uuid[] not null default '{}', "listing_id" uuid null, "data" jsonb not null, "created_at" timestamptz not null default now(), "published_at" timestamptz null);`,
    );
    this.addSql(`create index events_user_ids_idx on events using gin (user_ids);`);
    this.addSql(`create index events_unpublished_idx on events (id) where published_at is null;`);
    this.addSql(`create index "events_created_at_idx" on "events" ("created_at");`);

    this.addSql(
      `create table "idempotency_keys" ("user_id" uuid not null, "scope" varchar(120) not null, "key" varchar(255) not null, "request_hash" varchar(64) not null, "status_code" smallint null, "response" jsonb null, "created_at" timestamptz not null default now(), constraint "idempotency_keys_pkey" primary key ("user_id", "scope", "key"));`,
    );

    this.addSql(
      `create table "login_events" ("id" bigserial primary key, "user_id" uuid null, "email" varchar(320) not null, "ip" varchar(64) null, "user_agent" text null, "success" boolean not null, "created_at" timestamptz not null default now());`,
    );
    this.addSql(`create index "login_events_user_idx" on "login_events" ("user_id", "created_at");`);

    this.addSql(
      `create table "side_effects" ("id" bigserial primary key, "kind" varchar(60) not null, "key" varchar(200) not null, "payload" jsonb not null, "created_at" timestamptz not null default now(), "enqueued_at" timestamptz null, "done_at" timestamptz null, "attempts" int not null default 0, "last_error" text null);`,
    );
    this.addSql(`alter table "side_effects" add constraint "side_effects_key_unique" unique ("key");`);
    this.addSql(`create index side_effects_unenqueued_idx on side_effects (id) where enqueued_at is null;`);

    this.addSql(
      `create table "users" ("id" uuid not null default gen_random_uuid(), "email" citext not null, "name" varchar(200) not null, "role" text check ("role" in ('guest', 'host', 'admin')) not null default 'guest', "password_hash" varchar(255) not null, "notifications_read_up_to" bigint not null default 0, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "users_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);

    this.addSql(
      `create table "listings" ("id" uuid not null default gen_random_uuid(), "host_id" uuid not null, "title" varchar(200) not null, "description" text not null, "city" varchar(120) not null, "country" varchar(120) not null, "price_per_night" int not null, "currency" text check ("currency" in ('ETB', 'USD')) not null, "max_guests" int not null, "status" text check ("status" in ('active', 'archived')) not null default 'active', "rating_sum" int not null default 0, "review_count" int not null default 0, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "listings_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "listings_search_idx" on "listings" ("status", "city", "created_at");`);
    this.addSql(`create index "listings_host_idx" on "listings" ("host_id");`);

    this.addSql(
      `create table "bookings" ("id" uuid not null default gen_random_uuid(), "listing_id" uuid not null, "guest_id" uuid not null, "check_in" date not null, "check_out" date not null, "guests" int not null, "total_price" int not null, "currency" text check ("currency" in ('ETB', 'USD')) not null, "status" text check ("status" in ('pending_payment', 'confirmed', 'completed', 'expired', 'cancelled')) not null, "expires_at" timestamptz null, "note" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "bookings_pkey" primary key ("id"), constraint bookings_dates_check check (check_out > check_in), constraint bookings_guests_check check (guests >= 1));`,
    );
    this.addSql(
      `alter table bookings add constraint bookings_no_overlap exclude using gist (listing_id with =, daterange(check_in, check_out, '[)') with &&) where (status in ('pending_payment', 'confirmed'));`,
    );
    this.addSql(`create index "bookings_guest_idx" on "bookings" ("guest_id", "created_at");`);
    this.addSql(`create index "bookings_listing_idx" on "bookings" ("listing_id", "check_in");`);
    this.addSql(`create index "bookings_hold_expiry_idx" on "bookings" ("status", "expires_at");`);

    this.addSql(
      `create table "reviews" ("id" uuid not null default gen_random_uuid(), "booking_id" uuid not null, "listing_id" uuid not null, "guest_id" uuid not null, "rating" smallint not null, "comment" text not null, "created_at" timestamptz not null default now(), constraint "reviews_pkey" primary key ("id"), constraint reviews_rating_check check (rating >= 1 and rating <= 5));`,
    );
    this.addSql(`alter table "reviews" add constraint "reviews_booking_unique" unique ("booking_id");`);
    this.addSql(`create index "reviews_listing_idx" on "reviews" ("listing_id", "created_at");`);

    this.addSql(
      `create table "payments" ("id" uuid not null default gen_random_uuid(), "booking_id" uuid not null, "tx_ref" varchar(100) not null, "status" text check ("status" in ('pending', 'succeeded', 'failed', 'refunded')) not null default 'pending', "amount" int not null, "currency" text check ("currency" in ('ETB', 'USD')) not null, "mode" text check ("mode" in ('test', 'live')) not null, "checkout_url" text null, "chapa_reference" varchar(100) null, "refund_status" text check ("refund_status" in ('requested', 'succeeded', 'failed')) null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "payments_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "payments" add constraint "payments_tx_ref_unique" unique ("tx_ref");`);
    this.addSql(`create index "payments_booking_idx" on "payments" ("booking_id");`);
    this.addSql(`create index "payments_pending_idx" on "payments" ("status", "created_at");`);
    this.addSql(
      `create unique index payments_one_pending_per_booking on payments (booking_id) where status = 'pending';`,
    );

    this.addSql(
      `create table "messages" ("id" uuid not null default gen_random_uuid(), "booking_id" uuid not null, "sender_id" uuid not null, "body" text not null, "created_at" timestamptz not null default now(), constraint "messages_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "messages_booking_idx" on "messages" ("booking_id", "created_at");`);

    this.addSql(
      `create table "webhook_receipts" ("id" bigserial primary key, "provider" varchar(40) not null, "dedupe_key" varchar(64) not null, "event" varchar(80) null, "tx_ref" varchar(100) null, "body" jsonb not null, "outcome" varchar(40) null, "received_at" timestamptz not null default now(), "processed_at" timestamptz null);`,
    );
    this.addSql(
      `alter table "webhook_receipts" add constraint "webhook_receipts_dedupe_unique" unique ("dedupe_key");`,
    );
    this.addSql(`create index "webhook_receipts_tx_ref_idx" on "webhook_receipts" ("tx_ref");`);

    this.addSql(
      `alter table "listings" add constraint "listings_host_id_foreign" foreign key ("host_id") references "users" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "bookings" add constraint "bookings_listing_id_foreign" foreign key ("listing_id") references "listings" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "bookings" add constraint "bookings_guest_id_foreign" foreign key ("guest_id") references "users" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "reviews" add constraint "reviews_booking_id_foreign" foreign key ("booking_id") references "bookings" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "reviews" add constraint "reviews_listing_id_foreign" foreign key ("listing_id") references "listings" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "reviews" add constraint "reviews_guest_id_foreign" foreign key ("guest_id") references "users" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "payments" add constraint "payments_booking_id_foreign" foreign key ("booking_id") references "bookings" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "messages" add constraint "messages_booking_id_foreign" foreign key ("booking_id") references "bookings" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "messages" add constraint "messages_sender_id_foreign" foreign key ("sender_id") references "users" ("id") on update cascade;`,
    );

    // Agenda's table comes from the pinned backend's own SQL, created here once rather than by every
    // worker at start-up (concurrent CREATE TABLE IF NOT EXISTS crashes one of them): ensureSchema: false.
    this.addSql(getCreateTableSQL("agenda_jobs"));
    for (const sql of getCreateIndexesSQL("agenda_jobs")) this.addSql(`${sql};`);
    // At most one job per recorded side effect, whatever the relay does.
    this.addSql(
      "create unique index agenda_jobs_side_effect_unique on agenda_jobs ((data->>'sideEffectId')) where data ? 'sideEffectId';",
    );
  }
}
