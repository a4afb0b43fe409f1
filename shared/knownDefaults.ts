/**
 * Every secret and address that is public because it ships in this repository: the development
 * defaults of shared/config.ts, the docker-compose.yml fallback of earlier versions, and the Chapa
 * sandbox's own defaults. Development runs on them; production refuses each one (shared/config.ts),
 * and the sandbox (scripts/chapaSandbox) takes its defaults from here. No imports, no side effects:
 * the sandbox is a separate process that must not read the app's configuration.
 */
export const KNOWN_DEFAULTS = {
  /** config.ts's JWT_SECRET default. */
  jwtSecret: "dev-only-secret-change-me-please",
  /** The sandbox's Bearer key, and config.ts's CHAPA_SECRET_KEY default. */
  chapaSecretKey: "CHASECK_TEST-nexus-sandbox",
  /** The sandbox's webhook signing secret, and config.ts's CHAPA_WEBHOOK_SECRET default. */
  chapaWebhookSecret: "nexus-sandbox-webhook-secret",
  /** The sandbox's API base (npm start), and config.ts's CHAPA_BASE_URL default. */
  chapaBaseUrl: "http://127.0.0.1:4010/v1",
  /** The token the sandbox's /__sandbox/* controls require unless CHAPA_SANDBOX_CONTROL_TOKEN is set. */
  sandboxControlToken: "nexus-sandbox-control-token",
} as const;

/** JWT secrets anyone can read: config.ts's default and docker-compose.yml's former fallback. */
export const PUBLIC_JWT_SECRETS: readonly string[] = [KNOWN_DEFAULTS.jwtSecret, "change-me-in-production-please"];

/** Webhook secrets anyone can read (the sandbox's). */
export const PUBLIC_WEBHOOK_SECRETS: readonly string[] = [KNOWN_DEFAULTS.chapaWebhookSecret];

/** Chapa test-mode keys start with this; production must charge for real. */
export const CHAPA_TEST_KEY_PREFIX = "CHASECK_TEST-";

/** Hosts (host[:port]) the Chapa sandbox is reached at: npm start's and docker-compose.yml's. */
export const SANDBOX_HOSTS: readonly string[] = ["127.0.0.1:4010", "localhost:4010", "[::1]:4010", "chapa-sandbox"];

/** Shortest JWT secret production accepts: 32 bytes, HS256's key size. */
export const MIN_JWT_SECRET_BYTES = 32;
