import "./helpers/env.js";

import test from "ava";
import jwt from "jsonwebtoken";
import { io } from "socket.io-client";
import { config } from "../shared/config.js";
import { initOrm, type Orm } from "../shared/db/orm.js";
import type { EventEnvelope } from "../shared/events/eventMap.js";
import { createRedis } from "../shared/redis.js";
import { startApp } from "./helpers/app.js";
import { createGuest, db, PASSWORD, type TestUser } from "./helpers/factories.js";
import { apiClient } from "./helpers/http.js";
import { connectSocket, emitEvents, handshakeError, settle, type TestSocket } from "./helpers/sockets.js";
import { useApp } from "./helpers/useApp.js";

/**
 * Sockets and the session they belong to (issue 12): no connection state recovery (one argument per
 * event, nothing written before the handshake is accepted), and tokens revoked by logout, a password
 * change or a deleted account end their sockets within a second.
 */
const { api, app } = useApp();
let orm: Orm;
test.serial.before(async () => {
  orm = await initOrm();
});
test.after.always(async () => {
  await orm?.close();
});

const availability = (user: TestUser) =>
  emitEvents(orm, [{ type: "listing.availability", userIds: [user.id], data: { listingId: user.id, blocked: [] } }]);

async function connect(t: { teardown(fn: () => void): void }, token: string, lastEventId?: number) {
  const s = await connectSocket(app().url, token, { lastEventId });
  t.teardown(s.close);
  return s;
}

// Serial: emitEvents reads back the newest event ids, which a concurrent test's events would confuse.
test.serial("a live event's handler gets exactly one argument, the envelope; so does a replayed one", async (t) => {
  const user = await createGuest();
  const [first] = await availability(user);
  const s = await connect(t, user.token, 0); // replays `first`, then gets the next one live
  const calls: unknown[][] = [];
  s.socket.on("listing.availability", (...args: unknown[]) => calls.push(args));
  await s.waitForId(first);
  const [live] = await availability(user);
  await s.waitForId(live);
  await settle(100);
  t.deepEqual(
    calls.map((args) => args.length),
    [1, 1],
  );
  t.deepEqual(
    calls.map((args) => (args[0] as EventEnvelope).id),
    [first, live],
  );
  t.like(calls[1][0], { id: live, type: "listing.availability", data: { listingId: user.id, blocked: [] } });
});

test.serial(
  "a forged token with a victim's session id and stream offset gets connect_error unauthorized and no packet",
  async (t) => {
    const victim = await createGuest();
    const s = await connect(t, victim.token);
    // With recovery on, the server hands every socket a private session id; now there is none to steal.
    const pid = (s.socket as unknown as { _pid?: string })._pid;
    t.is(pid, undefined);
    const [seen] = await availability(victim);
    await s.waitForId(seen);
    // The offset a recovering client sends: the stream entry of the last packet it got.
    const redis = createRedis("test-stream");
    t.teardown(() => redis.disconnect());
    const [[offset]] = (await redis.xrevrange(`${config.REDIS_KEY_PREFIX}socket.io`, "+", "-", "COUNT", 1)) as [
      string,
      string[],
    ][];
    s.socket.io.engine.close(); // the network drops (a transport close: what recovery would resume)
    const [missed] = await availability(victim); // published while the victim is away
    await settle(200);

    const forged = jwt.sign({ role: "guest", ver: 0 }, "not-the-secret-at-all", {
      subject: victim.id,
      expiresIn: 60,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
    });
    const attacker = io(app().url, {
      path: "/socket.io",
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
      auth: { token: forged, pid: pid ?? "a-session-id", offset },
    });
    t.teardown(() => attacker.close());
    const packets: { type: number; data?: unknown }[] = [];
    attacker.io.on("packet", (packet) => packets.push(packet));
    const refused = await new Promise<string>((resolve, reject) => {
      attacker.once("connect", () => reject(new Error("the forged handshake was accepted")));
      attacker.once("connect_error", (err) => resolve(err.message));
    });
    await settle(200);
    t.is(refused, "unauthorized");
    t.deepEqual(
      packets.map((p) => p.type),
      [4],
      "only the CONNECT_ERROR packet",
    );
    t.false(JSON.stringify(packets).includes(`"id":${missed}`), "the victim's missed event never left the server");
  },
);

/** Resolves with the reason and how long after `since` the server ended the socket. */
function ended(s: TestSocket) {
  const expired = new Promise<{ reason: string }>((resolve) => s.socket.once("session.expired", resolve));
  const disconnected = new Promise<{ why: string; at: number }>((resolve) =>
    s.socket.once("disconnect", (why) => resolve({ why, at: Date.now() })),
  );
  return Promise.all([expired, disconnected]).then(([info, gone]) => ({ reason: info.reason, ...gone }));
}

test("logout revokes every token of the account: REST 401, its open sockets end within a second, new handshakes refused", async (t) => {
  const user = await createGuest();
  const other = (await api.post("/api/v1/auth/login", { email: user.email, password: PASSWORD })).body.token as string;
  const s = await connect(t, user.token);
  const end = ended(s);
  const loggedOut = await api.post("/api/v1/auth/logout", {}, { authorization: `Bearer ${other}` });
  t.is(loggedOut.status, 204);
  const at = Date.now();
  const { reason, why, at: endedAt } = await end;
  t.is(reason, "token_revoked");
  t.is(why, "io server disconnect", "a server disconnect: the client does not retry by itself");
  t.true(endedAt - at < 1000, `ended ${endedAt - at} ms after the logout`);
  for (const token of [user.token, other]) {
    const me = await api.get("/api/v1/me", { authorization: `Bearer ${token}` });
    t.is(me.status, 401);
    t.is(me.body.error.code, "unauthenticated");
    t.is(await handshakeError(app().url, { token }), "unauthorized");
  }
  const again = await api.post("/api/v1/auth/login", { email: user.email, password: PASSWORD });
  t.is((await api.get("/api/v1/me", { authorization: `Bearer ${again.body.token}` })).status, 200);
  await connect(t, again.body.token);
});

test("a password change ends the sockets of earlier tokens; the fresh token connects", async (t) => {
  const user = await createGuest();
  const s = await connect(t, user.token);
  const end = ended(s);
  const changed = await api.post(
    "/api/v1/me/password",
    { currentPassword: PASSWORD, newPassword: "a-brand-new-passphrase" },
    user.auth,
  );
  t.is(changed.status, 200);
  const at = Date.now();
  const { reason, at: endedAt } = await end;
  t.is(reason, "token_revoked");
  t.true(endedAt - at < 1000, `ended ${endedAt - at} ms after the change`);
  const fresh = await connect(t, changed.body.token);
  t.true(fresh.socket.connected);
});

test("an account deleted (straight in the database) has its sockets ended within a second", async (t) => {
  const user = await createGuest();
  const s = await connect(t, user.token);
  const end = ended(s);
  await db().query("delete from users where id = $1", [user.id]);
  const at = Date.now();
  const { reason, at: endedAt } = await end;
  t.is(reason, "token_revoked");
  t.true(endedAt - at < 1000, `ended ${endedAt - at} ms after the delete`);
});

test("a logout through one instance ends the account's sockets on another instance within a second", async (t) => {
  const elsewhere = await startApp();
  t.teardown(() => elsewhere.close());
  const user = await createGuest();
  const s = await connectSocket(elsewhere.url, user.token);
  t.teardown(s.close);
  const end = ended(s);
  t.is((await api.post("/api/v1/auth/logout", {}, user.auth)).status, 204);
  const at = Date.now();
  const { reason, at: endedAt } = await end;
  t.is(reason, "token_revoked");
  t.true(endedAt - at < 1000, `ended ${endedAt - at} ms after the logout`);
  t.is((await apiClient(elsewhere.url).get("/api/v1/me", user.auth)).status, 401, "and REST there refuses it at once");
});
