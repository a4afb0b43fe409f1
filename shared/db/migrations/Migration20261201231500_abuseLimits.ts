import { Migration } from "@mikro-orm/migrations";

/**
 * Issue 12 (abuse limits):
 * - bookings.status_changed_at: when the booking entered its current status, kept by a trigger so that
 *   every writer (transitionBooking, the sweeps, hold_booking_dates()) agrees, and a later note
 *   (updated_at moves) does not reopen a cancelled booking's conversation (messages/policy.ts).
 *   Existing rows take updated_at, the best record of their last status change.
 * - Indexes for pruning login_events and webhook_receipts by age (deleteInBatches walks them).
 */
export class Migration20261201231500_abuseLimits extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "bookings" add column "status_changed_at" timestamptz not null default now();`);
    this.addSql(`update "bookings" set "status_changed_at" = "updated_at";`);
    this.addSql(`
create function bookings_status_changed_at() returns trigger language plpgsql as $fn$
begin
  new.status_changed_at := now();
  return new;
end
$fn$;`);
    this.addSql(`
create trigger bookings_status_changed_at before update of status on bookings
  for each row when (old.status is distinct from new.status) execute function bookings_status_changed_at();`);
    this.addSql(`create index "login_events_created_at_idx" on "login_events" ("created_at");`);
    this.addSql(`create index "webhook_receipts_received_at_idx" on "webhook_receipts" ("received_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "webhook_receipts_received_at_idx";`);
    this.addSql(`drop index "login_events_created_at_idx";`);
    this.addSql(`drop trigger bookings_status_changed_at on bookings;`);
    this.addSql(`drop function bookings_status_changed_at();`);
    this.addSql(`alter table "bookings" drop column "status_changed_at";`);
  }
}
