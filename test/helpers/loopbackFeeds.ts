/**
 * Imported right after env.js (before anything that loads config) by test files whose fixture feeds
 * are served on 127.0.0.1: the one setting that lets the importer fetch from loopback (private,
 * link-local and metadata addresses stay refused; production refuses the setting).
 */
process.env.ICAL_ALLOW_LOOPBACK = "true";
