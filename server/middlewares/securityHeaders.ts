import type { Middleware } from "koa";

/**
 * The HTTP hardening of every response, in one place (koa-helmet is not a dependency; this is the
 * part of it that applies to us):
 * - `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` and `X-Frame-Options: DENY` everywhere;
 * - `Cache-Control: no-store` on /api: answers carry personal data and must not sit in shared or
 *   browser caches;
 * - HSTS only when the request came over TLS (ctx.secure, which honours X-Forwarded-Proto under
 *   TRUST_PROXY): over plain HTTP the header means nothing, and sending it from a local http:// setup
 *   would pin the name to HTTPS;
 * - a Content-Security-Policy per kind of response: the page at `/`, the Swagger UI at `/docs` (which
 *   needs inline styles), and nothing at all allowed for everything else (JSON, assets).
 */

// Both pages: same-origin only (the bundle, its stylesheet, the API and the socket); no CDN, no <base>,
// forms post only here, and no one may frame them.
const PAGE_POLICY = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");
// Swagger UI sets style attributes from its script; everything else as the page.
const DOCS_POLICY = `${PAGE_POLICY}; style-src 'self' 'unsafe-inline'`;
// GraphiQL (development only) is one page with its script, styles and editor workers inline (no CDN).
const GRAPHIQL_POLICY =
  "default-src 'self'; connect-src 'self'; img-src 'self' data:; script-src 'self' 'unsafe-inline' blob:; " +
  "worker-src blob:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; object-src 'none'; base-uri 'none'; " +
  "form-action 'self'; frame-ancestors 'none'";
const NOTHING_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const HSTS = "max-age=31536000; includeSubDomains";

export function securityHeaders(): Middleware {
  return async (ctx, next) => {
    ctx.set("X-Content-Type-Options", "nosniff");
    ctx.set("Referrer-Policy", "no-referrer");
    ctx.set("X-Frame-Options", "DENY");
    if (ctx.secure) ctx.set("Strict-Transport-Security", HSTS);
    if (ctx.path === "/api" || ctx.path.startsWith("/api/")) ctx.set("Cache-Control", "no-store");
    try {
      await next();
    } finally {
      // Chosen once the response is known: errors (JSON) get the empty policy whatever the path.
      const html = Boolean(ctx.response.is("html"));
      const docs = ctx.path === "/docs" || ctx.path.startsWith("/docs/");
      const graphiql = ctx.path === "/graphql";
      ctx.set(
        "Content-Security-Policy",
        html ? (docs ? DOCS_POLICY : graphiql ? GRAPHIQL_POLICY : PAGE_POLICY) : NOTHING_POLICY,
      );
    }
  };
}
