import "./helpers/env.js";
import "./helpers/tightRateLimits.js";

import test from "ava";
import { createGuest, PASSWORD } from "./helpers/factories.js";
import { TIGHT } from "./helpers/tightRateLimits.js";
import { useApp } from "./helpers/useApp.js";

const { api } = useApp();

test("password change attempts are limited per account like logins per email: a stolen token cannot guess on", async (t) => {
  const user = await createGuest();
  const attempt = (currentPassword: string) =>
    api.post("/api/v1/me/password", { currentPassword, newPassword: "a-new-passphrase" }, user.auth);
  for (let i = 0; i < TIGHT.loginPerEmail; i++) t.is((await attempt(`wrong-guess-${i}`)).status, 401);
  const refused = await attempt(PASSWORD);
  t.is(refused.status, 429, "even the right password, once the window is used up");
  t.is(refused.body.error.code, "rate_limited");
  t.truthy(refused.headers.get("retry-after"));
  t.is((await api.get("/api/v1/me", user.auth)).status, 200, "nothing was changed or revoked");
  const other = await createGuest();
  const theirs = await api.post(
    "/api/v1/me/password",
    { currentPassword: PASSWORD, newPassword: "a-new-passphrase" },
    other.auth,
  );
  t.is(theirs.status, 200, "counted per account");
});
