import { z } from "zod";
import {
  CHAPA_TEST_KEY_PREFIX,
  KNOWN_DEFAULTS,
  MIN_JWT_SECRET_BYTES,
  PUBLIC_JWT_SECRETS,
  PUBLIC_WEBHOOK_SECRETS,
  SANDBOX_HOSTS,
} from "./knownDefaults.js";

const bool = z.enum(["true", "false", "1", "0", ""]).transform((v) => v === "true" || v === "1");
const int = (def: number) => z.coerce.number().int().nonnegative().default(def);
// Agenda's repeat intervals: "<number> <unit>" (human-interval, which reads "200 milliseconds" as
// 200 s, hence no such unit here: write "0.2 seconds"), plain milliseconds, or a cron expression.
const interval = (def: string) =>
  z
    .string()
    .regex(
      /^(\d+(\.\d+)?(\s*(seconds?|minutes?|hours?|days?|weeks?))?|(\S+\s+){4,5}\S+)$/,
      'must be like "30 seconds", "500" (ms) or a cron expression',
    )
    .default(def);

/** A percent with at most 2 decimals ("7.5"), 0 to 50. */
const percentSetting = z.coerce
  .number()
  .min(0)
  .max(50)
  .refine(
    (v) => Number.isInteger(Math.round(v * 100)) && Math.abs(v * 100 - Math.round(v * 100)) < 1e-9,
    "at most 2 decimals",
  )
  .default(0);

/**
 * How long Chapa may keep retrying one webhook delivery, as we allow for it (the sandbox retries for under
 * 2 hours; Chapa does not publish a bound, 3 days is a generous one). A webhook receipt younger than this
 * is never pruned: it is what makes a retried delivery a duplicate instead of a new signal.
 */
export const CHAPA_RETRY_WINDOW_DAYS = 3;

/** Every setting of both processes. Defaults are the embedded development setup. */
const schema = z.object({
  /** development | test | production; production refuses every known default secret (knownDefaults.ts). */
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  /** HTTP port of the web process. */
  PORT: int(3000),
  /** pino level. */
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** PostgreSQL for state, events and (by default) the job store. */
  DATABASE_URL: z.string().url().default("postgres://nexus@127.0.0.1:54329/nexus"),
  /**
   * A streaming replica of DATABASE_URL for search reads (unset: everything reads the primary). Readers
   * wait for it to replay the last commit that changed search, else read the primary (replicaReads.ts).
   */
  DATABASE_REPLICA_URL: z.string().url().optional(),
  /** Longest wait for the replica to replay that commit before a search reads the primary instead. */
  REPLICA_MAX_WAIT_MS: z.coerce.number().int().min(0).max(10_000).default(200),
  /** Most PostgreSQL connections one process opens; more than about 5 per core only adds context switches. */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /** Longest wait to open one PostgreSQL connection (a database that is away fails fast, not after minutes). */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(3000),
  /**
   * A session idle inside a transaction this long is ended by PostgreSQL (0: never). It bounds how
   * long a stuck request or job can hold row locks, and how long it can hold back every later event:
   * an event goes out once no older transaction of the database can still commit (migration
   * eventWatermark).
   */
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: int(10_000),
  /** Longest wait for a pooled connection; past it a request answers 503 service_unavailable (API.md). */
  DATABASE_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(100).default(4000),
  /** Redis for Socket.IO fan-out, cache and rate limits. */
  REDIS_URL: z.string().url().default("redis://127.0.0.1:63799"),
  /** Prefix of every Redis key and stream of ours, so several deployments (or test runs) can share one Redis. */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[\w:.-]*$/)
    .default("nexus:"),
  /** Agenda's job store: postgres://… (default: DATABASE_URL) or mongodb://… */
  QUEUE_URL: z
    .string()
    .regex(/^(postgres(ql)?|mongodb(\+srv)?):\/\//, "must be a postgres:// or mongodb:// URL")
    .optional(),
  /** Secret for signing access tokens (HS256). */
  JWT_SECRET: z.string().min(16).default(KNOWN_DEFAULTS.jwtSecret),
  /** Access token lifetime in seconds. */
  JWT_TTL_SECONDS: int(3600),
  /** `iss` of every access token, required on verify. */
  JWT_ISSUER: z.string().min(1).default("nexus"),
  /** `aud` of every access token, required on verify (a token minted for another service is refused). */
  JWT_AUDIENCE: z.string().min(1).default("nexus-api"),
  /**
   * How long Redis caches an account's token version: bounds how late a change it did not see (made
   * straight in SQL, e.g. deleting an account) is noticed. Revocations through the API overwrite it at
   * once (and again when Redis is back, if it was away). Each miss costs a PostgreSQL read.
   */
  TOKEN_VERSION_CACHE_MS: z.coerce.number().int().min(0).default(1000),
  /** scrypt cost as log2(N) (r=8, p=1); below 17 only with NODE_ENV=test (the suite hashes fast). */
  PASSWORD_SCRYPT_LOG2_N: z.coerce.number().int().min(10).max(20).default(17),
  /** Trust X-Forwarded-For (only behind a proxy you control). */
  TRUST_PROXY: bool.default(false),
  /** With TRUST_PROXY: proxies of ours in front (Koa's maxIpsCount); the client IP is that many entries from the right. */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(1).max(10).default(1),
  /** Bearer token /metrics requires; unset: open in development and test, 404 in production. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** Longest wait for a request's headers (slow-loris clients are cut off after it). */
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(20_000),
  /** Longest wait for a whole request, body included (at least HTTP_HEADERS_TIMEOUT_MS). */
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  /** Idle keep-alive connections are closed after this long. */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  /** Open connections (WebSockets included) one web process accepts; more are dropped at once. */
  HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).default(20_000),
  /** How long an unpaid booking holds its dates. */
  BOOKING_HOLD_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  /** Unpaid holds plus requests awaiting a host that one user may have at once (409 too_many_holds beyond). */
  MAX_ACTIVE_HOLDS_PER_USER: z.coerce.number().int().min(1).max(100).default(3),
  /** After a user's hold on a listing lapsed unpaid, how long before they may hold that listing again (409 hold_cooldown). */
  HOLD_COOLDOWN_MINUTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(30),
  /** How long a host has to accept a request to book before it is declined on its own. */
  APPROVAL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24)
    .default(24),
  /** Public base URL of the web process (links in emails, Chapa callback/return URLs). */
  PUBLIC_URL: z.string().url().default("http://localhost:3000"),
  /** Login attempts per IP per 15 minutes. */
  RATE_LIMIT_LOGIN_PER_IP: int(50),
  /** Login attempts per email per 15 minutes. */
  RATE_LIMIT_LOGIN_PER_EMAIL: int(10),
  /** Registrations per IP per hour. */
  RATE_LIMIT_REGISTER_PER_IP: int(20),
  /** Bookings created per user per minute. */
  RATE_LIMIT_BOOKINGS_PER_USER: int(30),
  /** Messages one user may post per minute, all bookings together. */
  RATE_LIMIT_MESSAGES_PER_USER: int(30),
  /** GET /payments/return per IP per minute (a browser comes back once per checkout). */
  RATE_LIMIT_PAYMENT_RETURN_PER_IP: int(30),
  /** GET /payments/callback per IP per minute (Chapa calls from few IPs, once per checkout). */
  RATE_LIMIT_PAYMENT_CALLBACK_PER_IP: int(300),
  /** A booking's conversation stays open this many days after the booking ended (cancelled, expired, completed). */
  CONVERSATION_OPEN_DAYS_AFTER_END: z.coerce.number().int().min(0).default(14),
  /** Seconds one Chapa verify of a tx_ref answers for every return/callback of it (across web instances). */
  CHAPA_VERIFY_DEDUPE_SECONDS: z.coerce.number().int().min(1).max(300).default(5),
  /** GraphQL: deepest selection a query may have (refused before it runs). */
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).max(50).default(10),
  /** GraphQL: highest cost (each field 1, lists times their `first`) a query may have. */
  GRAPHQL_MAX_COST: z.coerce.number().int().min(10).default(5000),
  /** GraphQL: most aliases in one document (a way to run one costly field many times). */
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(1).max(1000).default(20),
  /** GraphQL: yoga's limit on a batched request (a JSON array); jsonBody refuses arrays before it. */
  GRAPHQL_MAX_BATCH: z.coerce.number().int().min(1).max(100).default(5),
  /** Seconds a cached search result may live (bookings invalidate it at once). */
  SEARCH_CACHE_TTL_SECONDS: int(60),
  /** Chapa API base URL; the sandbox by default. */
  CHAPA_BASE_URL: z.string().url().default(KNOWN_DEFAULTS.chapaBaseUrl),
  /** Chapa secret key; CHASECK_TEST-… keys are test mode. */
  CHAPA_SECRET_KEY: z.string().min(1).default(KNOWN_DEFAULTS.chapaSecretKey),
  /** Secret Chapa signs webhooks with. */
  CHAPA_WEBHOOK_SECRET: z.string().min(8).default(KNOWN_DEFAULTS.chapaWebhookSecret),
  /** Per-request timeout for Chapa calls. */
  CHAPA_TIMEOUT_MS: int(10_000),
  /** SMTP server URL; without it, emails are written as .eml files to MAIL_DIR. */
  SMTP_URL: z.string().url().optional(),
  /** Sender of every email. */
  MAIL_FROM: z.string().default("Nexus <no-reply@nexus.local>"),
  /** Folder for .eml files when SMTP_URL is not set. */
  MAIL_DIR: z.string().default(".mail"),
  /** Attempts before a job is left failed. */
  JOB_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(5),
  /** First retry delay; each next one doubles (with jitter). */
  JOB_BACKOFF_MS: int(2000),
  /** Concurrency of each job type per worker. */
  JOB_CONCURRENCY: z.coerce.number().int().min(1).default(10),
  /** How often the worker polls the job store (notifications make pickup immediate). */
  JOB_PROCESS_EVERY_MS: z.coerce.number().int().min(50).default(1000),
  /** After this long a locked job of a dead worker is run by another. */
  JOB_LOCK_LIFETIME_MS: z.coerce.number().int().min(100).default(60_000),
  /**
   * Lock lifetime of the scheduled tasks (relayOutbox, sweeps): a worker killed while it
   * holds one delays that task by at most this long. Tasks touch their lock between batches.
   */
  TASK_LOCK_LIFETIME_MS: z.coerce.number().int().min(500).default(5000),
  /** On SIGTERM the worker waits this long for running jobs. */
  WORKER_DRAIN_TIMEOUT_MS: int(30_000),
  /** Port of the worker's /metrics and /healthz (worker/metricsServer.ts); unset: no server. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  /** On SIGTERM the web stops accepting and lets in-flight requests run this long before closing them. */
  WEB_DRAIN_TIMEOUT_MS: int(10_000),
  /** Events older than this are pruned (replay window). */
  EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  /** Webhook receipts older than this are pruned; at least CHAPA_RETRY_WINDOW_DAYS (they deduplicate retries). */
  WEBHOOK_RECEIPT_RETENTION_DAYS: z.coerce.number().int().min(CHAPA_RETRY_WINDOW_DAYS).default(90),
  /** Login events (the audit trail of logins, with their IPs and places) older than this are pruned. */
  LOGIN_EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).default(90),
  /**
   * The GeoIP database (MMDB: country, and region/city when it has them, e.g. GeoLite2-City or
   * dbip-city); unset: the shipped country database (@ip-location-db/geo-whois-asn-country-mmdb).
   */
  GEOIP_DB_PATH: z.string().min(1).optional(),
  /** An ASN database (MMDB in GeoLite2-ASN's shape); unset: logins carry no ASN unless GEOIP_DB_PATH has one. */
  GEOIP_ASN_DB_PATH: z.string().min(1).optional(),
  /** How often the GeoIP files are checked for a change (a changed file is reloaded without a restart). */
  GEOIP_RELOAD_CHECK_MS: z.coerce.number().int().min(50).default(5000),
  /** A login from a country or device the account has not used for this many days sends a security alert. */
  SECURITY_ALERT_LOOKBACK_DAYS: z.coerce.number().int().min(1).default(90),
  /** Brute-force window: failed logins in the last this many minutes are counted for admin alerts. */
  BRUTE_FORCE_WINDOW_MINUTES: z.coerce.number().int().min(1).default(15),
  /** An admin alert when one account's failed logins in the window come from this many distinct IPs. */
  BRUTE_FORCE_IPS_PER_ACCOUNT: z.coerce.number().int().min(2).default(5),
  /** An admin alert when one IP's failed logins in the window name this many distinct emails. */
  BRUTE_FORCE_ACCOUNTS_PER_IP: z.coerce.number().int().min(2).default(10),
  /** Idempotency keys are remembered this long (a reuse after that is a new request). */
  IDEMPOTENCY_KEY_TTL_HOURS: z.coerce.number().int().min(1).default(24),
  /** Booking and listing subscriptions one socket may hold. */
  SOCKET_MAX_SUBSCRIPTIONS: z.coerce.number().int().min(1).default(50),
  /** Messages one socket may send per second (token bucket, bursts up to the same number). */
  SOCKET_EVENTS_PER_SECOND: z.coerce.number().int().min(1).default(20),
  /**
   * Open sockets one user may hold across all web instances (connect_error too_many_connections), their
   * graphql-ws connections included (closed with 1008 too_many_connections).
   */
  SOCKET_MAX_PER_USER: z.coerce.number().int().min(1).default(20),
  /** Open sockets one client IP may hold across all web instances. */
  SOCKET_MAX_PER_IP: z.coerce.number().int().min(1).default(100),
  /** Each web instance rewrites its socket counts in Redis this often; a dead one's expire after 3 times it. */
  SOCKET_COUNT_HEARTBEAT_MS: z.coerce.number().int().min(100).default(10_000),
  /** How often each web instance checks its sockets' token versions (revoked or deleted: disconnected). */
  SOCKET_REVOCATION_CHECK_MS: z.coerce.number().int().min(50).default(500),
  /**
   * Whether this process runs an event relay (shared/events/relay.ts). One relay of the deployment
   * leads at a time; every web and worker process runs one by default, so any can take over.
   */
  EVENTS_RELAY: bool.default(true),
  /** The leading relay looks for committed events this often when no local commit woke it. */
  EVENTS_RELAY_POLL_MS: z.coerce.number().int().min(1).default(10),
  /**
   * Under load, the leading relay's reads that found events are this far apart at least, so each
   * takes what committed meanwhile as one batch; 0 reads back to back. A read after a quiet spell
   * goes at once; relays that do not lead wake the leader no more often than this.
   */
  EVENTS_RELAY_COALESCE_MS: z.coerce.number().int().min(0).max(50).default(2),
  /** A relay that does not lead tries to take over this often (how long a failover takes at most). */
  EVENTS_RELAY_ELECTION_MS: z.coerce.number().int().min(10).default(1000),
  /** Cap on one retry delay of the exponential backoff. */
  JOB_BACKOFF_MAX_MS: z.coerce.number().int().min(1).default(3_600_000),
  /** Jobs one worker runs at once, all types together. */
  WORKER_MAX_CONCURRENCY: z.coerce.number().int().min(1).default(50),
  /** Jobs of one type a worker may lock ahead of running them (0: no limit). */
  JOB_LOCK_LIMIT: int(0),
  /** Per-phase SMTP timeout (connect, greeting, idle socket); keep it well under JOB_LOCK_LIFETIME_MS. */
  SMTP_TIMEOUT_MS: z.coerce.number().int().min(100).default(20_000),
  /** Pooled SMTP connections per worker. */
  SMTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).default(5),
  /** Schedules of the worker's tasks ("<n> <unit>" or a cron expression); tests shorten them. */
  CRON_RELAY_OUTBOX_EVERY: interval("2 seconds"),
  CRON_EXPIRE_HOLDS_EVERY: interval("30 seconds"),
  CRON_DECLINE_REQUESTS_EVERY: interval("1 minute"),
  // Stays end at their check-out day's start in the listing's time zone: a few minutes late at most.
  CRON_COMPLETE_STAYS_EVERY: interval("5 minutes"),
  CRON_RECONCILE_PAYMENTS_EVERY: interval("5 minutes"),
  CRON_PRUNE_EVENTS_EVERY: interval("1 day"),
  CRON_PRUNE_IDEMPOTENCY_KEYS_EVERY: interval("1 hour"),
  CRON_PRUNE_WEBHOOK_RECEIPTS_EVERY: interval("1 day"),
  CRON_PRUNE_LOGIN_EVENTS_EVERY: interval("1 day"),
  /** How often the worker looks for imported calendar feeds that are due (one task run polls several hosts' feeds). */
  CRON_SYNC_CALENDARS_EVERY: interval("30 seconds"),
  /** How often the worker samples sockets connected, queue depth and failed jobs for the operations page. */
  CRON_SAMPLE_OPERATIONS_EVERY: interval("10 seconds"),
  /** Minutes between two polls of one imported iCal feed, jittered by ±20 % so feeds do not poll in step. */
  ICAL_POLL_MINUTES: z.coerce.number().positive().default(10),
  /** A failing feed's first retry, in seconds; each further failure doubles it, up to ICAL_RETRY_MAX_MINUTES. */
  ICAL_RETRY_BASE_SECONDS: z.coerce.number().positive().default(60),
  ICAL_RETRY_MAX_MINUTES: z.coerce.number().positive().default(360),
  /** Longest one fetch of a feed may take, redirects and body included. */
  ICAL_FETCH_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Largest feed body read (bytes); a bigger one fails the fetch and changes nothing. */
  ICAL_MAX_BYTES: z.coerce.number().int().min(1024).default(5_000_000),
  /** Redirects one fetch follows, each to a checked address. */
  ICAL_MAX_REDIRECTS: int(3),
  /** Feeds one poller run fetches at most (one per host at a time; the next run takes the rest). */
  ICAL_FEEDS_PER_RUN: z.coerce.number().int().min(1).default(20),
  /**
   * Lets the importer fetch from loopback addresses (127.0.0.0/8, ::1): for tests, whose fixture
   * feeds are served on 127.0.0.1. Private, link-local and metadata addresses stay refused; production
   * refuses the setting itself.
   */
  ICAL_ALLOW_LOOPBACK: bool.default(false),
  /** Pending payments younger than this still expect their webhook; reconciliation leaves them alone. */
  RECONCILE_PAYMENTS_OLDER_THAN_MINUTES: z.coerce.number().min(0).default(10),
  /** The platform's service fee, percent of a stay's subtotal (2 decimals at most; 0: none). A line of every quote. */
  SERVICE_FEE_PERCENT: percentSetting,
  /** Taxes, percent of a stay's subtotal plus the service fee (2 decimals at most; 0: none). A line of every quote. */
  TAX_PERCENT: percentSetting,
  /** How long a quote's signed token lets a booking keep the quoted price, whatever the host changes meanwhile. */
  QUOTE_TOKEN_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  /** Largest photo upload accepted, in bytes (the multipart parser stops reading beyond it: 413). */
  PHOTO_MAX_BYTES: z.coerce.number().int().min(1024).max(100_000_000).default(10_000_000),
  /** Largest photo accepted, in decoded pixels (width × height): a decompression bomb is refused (400) before it is decoded. */
  PHOTO_MAX_PIXELS: z.coerce.number().int().min(10_000).max(268_402_689).default(40_000_000),
  /** Photos one listing may have. */
  PHOTO_MAX_PER_LISTING: z.coerce.number().int().min(1).max(100).default(20),
  /** Where the local storage driver keeps photos (served by the web process under /media/). */
  MEDIA_DIR: z.string().min(1).default(".data/media"),
  /** An S3-compatible bucket: set it (with S3_REGION and the keys) to store photos there instead of MEDIA_DIR. */
  S3_BUCKET: z.string().min(3).optional(),
  /** The S3 endpoint for a store other than AWS (MinIO, R2, a local server); AWS's own when unset. */
  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Path-style URLs (endpoint/bucket/key): most S3-compatible servers want them. */
  S3_FORCE_PATH_STYLE: bool.default(true),
  /** Where browsers fetch the bucket's photos from (a CDN or the bucket's public URL), without a trailing slash. */
  S3_PUBLIC_URL: z.string().url().optional(),
});

export type Config = z.infer<typeof schema> & { queueUrl: string };

/** Every variable the processes read (the schema's keys): deployment files may name no other. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

/**
 * What a production deployment must set itself: each default here is for one development machine
 * (services on 127.0.0.1, http://localhost, .eml files instead of mail, /metrics closed without a
 * token, no proxy in front) or is refused in production (a published secret, the sandbox's URL). The
 * Kubernetes manifests in deploy/ are checked against this list (test/deploy.test.ts).
 */
export const PRODUCTION_REQUIRED_VARIABLES = [
  "NODE_ENV",
  "DATABASE_URL",
  "REDIS_URL",
  "PUBLIC_URL",
  "TRUST_PROXY",
  "JWT_SECRET",
  "CHAPA_BASE_URL",
  "CHAPA_SECRET_KEY",
  "CHAPA_WEBHOOK_SECRET",
  "SMTP_URL",
  "METRICS_TOKEN",
] as const satisfies readonly (keyof z.infer<typeof schema>)[];

/** Why each variable is unsafe in production (known defaults anyone can read, too short a secret). */
function unsafeInProduction(c: z.infer<typeof schema>): string[] {
  const problems: string[] = [];
  if (PUBLIC_JWT_SECRETS.includes(c.JWT_SECRET)) problems.push("JWT_SECRET: is a published default; set your own");
  else if (Buffer.byteLength(c.JWT_SECRET) < MIN_JWT_SECRET_BYTES) {
    problems.push(`JWT_SECRET: must be at least ${MIN_JWT_SECRET_BYTES} bytes in production`);
  }
  if (c.CHAPA_SECRET_KEY.startsWith(CHAPA_TEST_KEY_PREFIX)) {
    problems.push(`CHAPA_SECRET_KEY: a test key (${CHAPA_TEST_KEY_PREFIX}…) in production`);
  }
  if (PUBLIC_WEBHOOK_SECRETS.includes(c.CHAPA_WEBHOOK_SECRET)) {
    problems.push("CHAPA_WEBHOOK_SECRET: is the sandbox's published secret");
  }
  if (c.ICAL_ALLOW_LOOPBACK) problems.push("ICAL_ALLOW_LOOPBACK: lets feed URLs reach this host; tests only");
  const chapa = new URL(c.CHAPA_BASE_URL);
  if (SANDBOX_HOSTS.includes(chapa.host) || SANDBOX_HOSTS.includes(chapa.hostname)) {
    problems.push("CHAPA_BASE_URL: points at the Chapa sandbox");
  }
  return problems;
}

export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = schema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== "")),
  );
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const c = parsed.data;
  const problems = c.NODE_ENV === "production" ? unsafeInProduction(c) : [];
  // Node refuses a server whose headers timeout exceeds its request timeout; say which variable.
  if (c.HTTP_HEADERS_TIMEOUT_MS > c.HTTP_REQUEST_TIMEOUT_MS) {
    problems.push("HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS");
  }
  if (c.S3_BUCKET && !c.S3_PUBLIC_URL)
    problems.push("S3_PUBLIC_URL: is required with S3_BUCKET (where browsers fetch photos)");
  if (c.NODE_ENV !== "test" && c.PASSWORD_SCRYPT_LOG2_N < 17) {
    problems.push("PASSWORD_SCRYPT_LOG2_N: below 17 only with NODE_ENV=test");
  }
  if (problems.length) throw new Error(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  return { ...c, queueUrl: c.QUEUE_URL ?? c.DATABASE_URL };
}

function load(): Config {
  try {
    return parseConfig(process.env);
  } catch (err) {
    // Bad config stops the process at start, naming the variable.
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(78);
  }
}

export const config: Config = load();
