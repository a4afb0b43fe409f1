import { Migration } from "@mikro-orm/migrations";

/**
 * users.token_version: every access token carries the version it was issued at (claim `ver`); logout
 * and a password change move it on, which revokes every earlier token at once (tokenVersions.ts).
 */
export class Migration20261201230000_usersTokenVersion extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "users" add column "token_version" integer not null default 0;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "users" drop column "token_version";`);
  }
}
