/**
 * Creates an admin, or promotes an existing account to admin (`npm run create-admin -- <email> <name>
 * <password>`). Admins are never created by registration. Running it again changes nothing.
 */
import { z } from "zod";
import { initOrm } from "../shared/db/orm.js";
import { ensureAdmin } from "../shared/domain/accounts/ensureAdmin.js";
import { emailField, nameField, passwordField } from "../shared/domain/accounts/fields.js";
import { execute } from "../shared/domain/commands/execute.js";
import { logger } from "../shared/logger.js";

const USAGE = 'usage: npm run create-admin -- <email> <name> <password>   (e.g. admin@x.test "Ada" "long-password")';

const args = z.tuple([emailField, nameField, passwordField], {
  error: (issue) => (issue.code === "too_small" || issue.code === "too_big" ? "expected exactly 3" : undefined),
});
const NAMES = ["email", "name", "password"];

const parsed = args.safeParse(process.argv.slice(2));
if (!parsed.success) {
  const problems = parsed.error.issues
    .map((i) => `  ${typeof i.path[0] === "number" ? NAMES[i.path[0]] : "arguments"}: ${i.message}`)
    .join("\n");
  process.stderr.write(`${USAGE}\n${problems}\n`);
  process.exit(64);
}
const [email, name, password] = parsed.data;

const orm = await initOrm();
try {
  const admin = await execute(ensureAdmin, { actor: null, input: { email, name, password } }, { orm });
  logger.info(
    admin,
    admin.created ? "admin created" : "existing account is now an admin (its name and password are unchanged)",
  );
} finally {
  await orm.close();
}
