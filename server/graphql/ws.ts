import type { Server as HttpServer, IncomingMessage } from "node:http";
import { type ExecutionResult, GraphQLError, getOperationAST, parse, specifiedRules, validate } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import type { Server as IoServer } from "socket.io";
import { type WebSocket, WebSocketServer } from "ws";
import { config } from "../../shared/config.js";
import type { Actor } from "../../shared/domain/accounts/tokens.js";
import { currentTokenVersion } from "../../shared/domain/accounts/tokenVersions.js";
import { logger } from "../../shared/logger.js";
import type { AppDeps } from "../deps.js";
import { actorFromToken } from "../realtime/auth.js";
import { ConnectionCaps, type ConnectionCapsOptions, clientIp } from "../realtime/connectionCaps.js";
import type { GraphqlContext } from "./builder.js";
import { maskError } from "./errors.js";
import { eventFeed } from "./eventFeed.js";
import { GRAPHQL_PATH } from "./http.js";
import { aliasLimit } from "./limits.js";
import { schema } from "./schema.js";

/** Largest message a subscription client may send (a subscribe with its variables). */
const MAX_MESSAGE_BYTES = 64 * 1024;

interface Session {
  actor: Actor | null;
  tokenExp?: number;
}

/** Close codes of a connection whose token ended (expired, or revoked: logout, password change, deleted account). */
const TOKEN_ENDED = 4401;
/**
 * The close of a connection over the user's cap (SOCKET_MAX_PER_USER; or its IP's, SOCKET_MAX_PER_IP),
 * with reason `too_many_connections`, the message Socket.IO's refused handshake carries. 1008 (policy
 * violation) rather than one of graphql-ws's 44xx codes: none of those means this, and its client
 * retries 1008 with backoff, which succeeds once one of the user's connections has closed.
 */
export const TOO_MANY_CONNECTIONS = { code: 1008, reason: "too_many_connections" } as const;

/**
 * Ends this instance's graphql-ws connections, as shutting down ends its Socket.IO transports: the
 * HTTP server's close waits for every socket it accepted, upgraded ones too, so one open subscription
 * would hold a stopping web process until its client left. "close": 1001 going away, which graphql-ws
 * clients retry (to another instance, resuming with `after`); "terminate": at once, no handshake.
 */
export function closeGraphqlConnections(wss: WebSocketServer, how: "close" | "terminate"): void {
  for (const client of wss.clients) {
    if (how === "close") client.close(1001, "server shutting down");
    else client.terminate();
  }
}

/**
 * Ends a signed-in connection when its token expires, and when it is revoked: the account's token
 * version is checked every SOCKET_REVOCATION_CHECK_MS (cached in Redis, as every request checks it),
 * as Socket.IO's sockets are (server/realtime/expiry.ts). The client reconnects with a new token and
 * resumes with `after`.
 */
function endWithToken(socket: WebSocket, deps: AppDeps, found: { actor: Actor; exp: number; ver: number }) {
  const close = (reason: string) => socket.close(TOKEN_ENDED, reason);
  const expiry = setTimeout(() => close("token expired"), Math.max(0, found.exp * 1000 - Date.now()));
  const check = setInterval(() => {
    currentTokenVersion(deps, found.actor.id).then(
      (version) => {
        if (version !== found.ver) close("token revoked");
      },
      () => undefined, // the database or Redis away: check again next time
    );
  }, config.SOCKET_REVOCATION_CHECK_MS);
  expiry.unref();
  check.unref();
  const stop = () => {
    clearTimeout(expiry);
    clearInterval(check);
  };
  socket.once("close", stop);
  return stop;
}

const masked = (result: ExecutionResult): ExecutionResult =>
  result.errors ? { ...result, errors: result.errors.map((e) => maskError(e) as GraphQLError) } : result;

/**
 * graphql-ws subscriptions on the web process's HTTP server, path /graphql (Socket.IO keeps
 * /socket.io). `connectionParams: {token}` signs in as the bearer token does (checked as the socket
 * handshake checks it); a bad token closes the connection (4403), no token is anonymous (only
 * listingAvailability then). A signed-in connection counts against the user's and the IP's caps,
 * shared with Socket.IO (SOCKET_MAX_PER_USER, SOCKET_MAX_PER_IP), an anonymous one against its IP's:
 * over one, it is closed with 1008 too_many_connections. Only subscriptions go over the WebSocket: queries and mutations go over
 * HTTP, where the rate limits and the request's IP are. Events come from this instance's Socket.IO
 * server (eventFeed), which every instance's stream reader feeds: subscriptions work across instances.
 */
export function attachGraphqlSubscriptions(
  httpServer: HttpServer,
  io: IoServer,
  deps: AppDeps,
  options: { caps?: Partial<ConnectionCapsOptions> } = {},
): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  // Signed-in connections count against the same caps as Socket.IO's sockets, in the same Redis keys
  // (connectionCaps.ts: across instances, healed by heartbeats, a killed instance's lapsing).
  const caps = new ConnectionCaps(deps.redis, {
    perUser: options.caps?.perUser ?? config.SOCKET_MAX_PER_USER,
    perIp: options.caps?.perIp ?? config.SOCKET_MAX_PER_IP,
    heartbeatMs: options.caps?.heartbeatMs ?? config.SOCKET_COUNT_HEARTBEAT_MS,
  });
  httpServer.on("upgrade", (req: IncomingMessage, socket, head) => {
    if (new URL(req.url ?? "/", "http://x").pathname !== GRAPHQL_PATH) return; // Socket.IO's, or nobody's
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  });
  httpServer.once("close", () => {
    closeGraphqlConnections(wss, "terminate");
    wss.close();
    void caps.stop();
  });
  const feed = eventFeed(io);
  const rules = [...specifiedRules, aliasLimit(config.GRAPHQL_MAX_ALIASES)];
  useServer<Record<string, unknown> | undefined, { session?: Session; socket: WebSocket; request: IncomingMessage }>(
    {
      schema,
      onConnect: async (ctx) => {
        const token = ctx.connectionParams?.token;
        const { socket, request } = ctx.extra;
        const ip = clientIp(request.headers["x-forwarded-for"], request.socket.remoteAddress ?? "");
        /** Counts the connection (its user's and its IP's caps), or closes it over one; false then. */
        const admit = async (userId: string | null) => {
          const admitted = await caps.admit(userId, ip);
          if (!admitted.ok) {
            // Closed here with our code; graphql-ws's own close (4403) after `false` is then a no-op.
            socket.close(TOO_MANY_CONNECTIONS.code, TOO_MANY_CONNECTIONS.reason);
            return false;
          }
          // Uncounted once, when it closes (or at once, if it closed while being admitted).
          socket.once("close", admitted.release);
          if (socket.readyState !== socket.OPEN) admitted.release();
          return true;
        };
        if (token === undefined || token === null || token === "") {
          // Anonymous (listingAvailability only): no user's cap, but its IP's.
          if (!(await admit(null))) return false;
          ctx.extra.session = { actor: null };
          return true;
        }
        try {
          const found = await actorFromToken(deps.orm, token);
          if (!found) return false;
          if (!(await admit(found.actor.id))) return false;
          ctx.extra.session = { actor: found.actor, tokenExp: found.exp };
          endWithToken(socket, deps, found);
          return true;
        } catch (err) {
          logger.error({ err }, "GraphQL subscription: token check failed");
          return false;
        }
      },
      context: (ctx): GraphqlContext => ({
        deps,
        actor: ctx.extra.session?.actor ?? null,
        authError: null,
        http: null,
        feed,
        tokenExp: ctx.extra.session?.tokenExp,
      }),
      onSubscribe: (_ctx, _id, payload) => {
        let document: ReturnType<typeof parse>;
        try {
          document = parse(payload.query);
        } catch (err) {
          return [maskError(err) as GraphQLError];
        }
        const errors = validate(schema, document, rules);
        if (errors.length) return errors.map((e) => maskError(e) as GraphQLError);
        const operation = getOperationAST(document, payload.operationName);
        if (operation?.operation !== "subscription") {
          return [
            new GraphQLError("Only subscriptions go over the WebSocket; send queries and mutations to POST /graphql.", {
              extensions: { code: "bad_request" },
            }),
          ];
        }
        return undefined;
      },
      onNext: (_ctx, _id, _payload, _args, result) => masked(result as ExecutionResult),
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => maskError(e) as GraphQLError),
    },
    wss,
  );
  return wss;
}
