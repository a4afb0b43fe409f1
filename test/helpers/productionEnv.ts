/**
 * A production setting with nothing published in it (no default secret, the live Chapa URL): what a
 * test that starts or parses a production configuration builds on, spoiling one variable at a time.
 */
export const SAFE_PRODUCTION_ENV = {
  NODE_ENV: "production",
  JWT_SECRET: "a-production-secret-of-at-least-32-bytes!",
  CHAPA_SECRET_KEY: "CHASECK-live-key-of-ours",
  CHAPA_WEBHOOK_SECRET: "our-own-webhook-secret",
  CHAPA_BASE_URL: "https://api.chapa.co/v1",
  // Spawned processes inherit the suite's cheap hashing (test/helpers/env.ts), which production refuses.
  PASSWORD_SCRYPT_LOG2_N: "17",
};
