import "./helpers/env.js";

import { once } from "node:events";
import { connect, type Socket } from "node:net";
import test from "ava";
import { config } from "../shared/config.js";
import { eventually } from "./helpers/eventually.js";
import { apiClient } from "./helpers/http.js";
import { freePort, spawnEntry } from "./helpers/processes.js";
import { useApp } from "./helpers/useApp.js";

const { api } = useApp();

async function startWeb(t: import("ava").ExecutionContext, env: Record<string, string>) {
  const port = await freePort();
  const web = spawnEntry("server/main.ts", { PORT: String(port), ...env });
  t.teardown(() => web.stop("SIGKILL"));
  await web.waitFor(/web listening/, 30_000);
  return port;
}

test("every /api answer: nosniff, no-store, Referrer-Policy, a CSP allowing nothing, no HSTS over plain HTTP", async (t) => {
  for (const path of ["/api/v1/openapi.json", "/api/v1/listings", "/api/v1/me", "/api/v1/no-such-route"]) {
    const res = await api.get(path);
    t.true([200, 401, 404].includes(res.status), path);
    t.is(res.headers.get("x-content-type-options"), "nosniff", path);
    t.is(res.headers.get("cache-control"), "no-store", path);
    t.is(res.headers.get("referrer-policy"), "no-referrer", path);
    t.is(res.headers.get("x-frame-options"), "DENY", path);
    t.regex(res.headers.get("content-security-policy") ?? "", /^default-src 'none'/, path);
    t.is(res.headers.get("strict-transport-security"), null, path);
  }
  t.false(config.TRUST_PROXY);
  const forged = await api.get("/api/v1/listings", { "x-forwarded-proto": "https" });
  t.is(forged.headers.get("strict-transport-security"), null, "X-Forwarded-Proto counts only under TRUST_PROXY");
});

test("the page and /docs: a CSP with base-uri 'none' and form-action 'self', nosniff, not no-store", async (t) => {
  for (const path of ["/", "/docs"]) {
    const res = await api.get(path);
    t.is(res.status, 200, path);
    const csp = res.headers.get("content-security-policy") ?? "";
    t.regex(csp, /default-src 'self'/, path);
    t.regex(csp, /base-uri 'none'/, path);
    t.regex(csp, /form-action 'self'/, path);
    t.regex(csp, /frame-ancestors 'none'/, path);
    t.regex(csp, /object-src 'none'/, path);
    t.is(res.headers.get("x-content-type-options"), "nosniff", path);
    t.not(res.headers.get("cache-control"), "no-store", path);
  }
  t.notRegex((await api.get("/")).headers.get("content-security-policy") ?? "", /unsafe-inline/);
  t.is((await api.get("/healthz")).headers.get("x-content-type-options"), "nosniff");
});

test("HSTS only for requests that came over TLS: behind a trusted proxy, X-Forwarded-Proto: https", async (t) => {
  const port = await startWeb(t, { TRUST_PROXY: "true" });
  const proxied = apiClient(`http://127.0.0.1:${port}`);
  const tls = await proxied.get("/api/v1/listings", { "x-forwarded-proto": "https" });
  t.is(tls.headers.get("strict-transport-security"), "max-age=31536000; includeSubDomains");
  t.is((await proxied.get("/", { "x-forwarded-proto": "https" })).headers.has("strict-transport-security"), true);
  t.is(
    (await proxied.get("/api/v1/listings", { "x-forwarded-proto": "http" })).headers.has("strict-transport-security"),
    false,
  );
  t.is((await proxied.get("/api/v1/listings")).headers.has("strict-transport-security"), false);
});

function open(port: number): Promise<Socket> {
  const socket = connect(port, "127.0.0.1");
  return once(socket, "connect").then(() => socket);
}
const closed = (socket: Socket) =>
  new Promise<void>((resolve) => {
    if (socket.destroyed) resolve();
    else socket.once("close", () => resolve());
  });

test("a slow-loris client (headers trickling in) is cut off after HTTP_HEADERS_TIMEOUT_MS; idle keep-alive after HTTP_KEEP_ALIVE_TIMEOUT_MS", async (t) => {
  const port = await startWeb(t, {
    HTTP_HEADERS_TIMEOUT_MS: "1000",
    HTTP_REQUEST_TIMEOUT_MS: "20000",
    HTTP_KEEP_ALIVE_TIMEOUT_MS: "500",
  });
  const loris = await open(port);
  t.teardown(() => loris.destroy());
  loris.on("error", () => {});
  const started = Date.now();
  loris.write("GET /healthz HTTP/1.1\r\nHost: x\r\n");
  let n = 0;
  const trickle = setInterval(() => loris.writable && loris.write(`X-Slow-${n++}: y\r\n`), 150);
  t.teardown(() => clearInterval(trickle));
  await closed(loris);
  const cutAfter = Date.now() - started;
  clearInterval(trickle);
  t.true(cutAfter >= 900, `cut after ${cutAfter} ms`);
  t.true(cutAfter < 4000, `cut after ${cutAfter} ms (Node's default is 60 s)`);

  // A finished request on a keep-alive connection: the idle connection is closed by the server.
  const idle = await open(port);
  t.teardown(() => idle.destroy());
  idle.write("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n");
  await once(idle, "data");
  const answered = Date.now();
  await closed(idle);
  const idleFor = Date.now() - answered;
  t.true(idleFor >= 400 && idleFor < 3000, `idle connection closed after ${idleFor} ms`);
});

test("past HTTP_MAX_CONNECTIONS open connections, a new one is dropped; it is accepted again once one closes", async (t) => {
  const port = await startWeb(t, { HTTP_MAX_CONNECTIONS: "2" });
  const held = [await open(port), await open(port)];
  t.teardown(() => {
    for (const s of held) s.destroy();
  });
  // Both held connections are established at the server before the third arrives.
  for (const socket of held) {
    socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    await once(socket, "data");
  }
  const third = await open(port);
  third.on("error", () => {});
  let answered = false;
  third.on("data", () => {
    answered = true;
  });
  third.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  await closed(third);
  t.false(answered, "the connection over the cap got no answer");

  // The server counts the closed connection out once it has seen the close: poll until then.
  held[0].destroy();
  const status = await eventually(
    () =>
      fetch(`http://127.0.0.1:${port}/healthz`, { headers: { connection: "close" } }).then(
        (res) => res.status,
        () => 0,
      ),
    "an answer once under the cap again",
    5000,
  );
  t.is(status, 200, "under the cap again");
});
