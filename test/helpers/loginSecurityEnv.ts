/**
 * Imported right after env.js by the login security tests: logins carry their client IP in
 * X-Forwarded-For (TRUST_PROXY, as behind nginx), brute-force thresholds are small, and the GeoIP
 * files are checked for changes often.
 */
process.env.TRUST_PROXY = "true";
process.env.TRUST_PROXY_HOPS = "1";
process.env.PUBLIC_URL = "https://nexus.test";
process.env.BRUTE_FORCE_IPS_PER_ACCOUNT = "3";
process.env.BRUTE_FORCE_ACCOUNTS_PER_IP = "3";
process.env.GEOIP_RELOAD_CHECK_MS = "100";
