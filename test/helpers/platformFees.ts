/**
 * Imported right after env.js (before anything that loads config) by test files whose quotes should
 * carry the platform's lines: a service fee and taxes with fractions to round.
 */
process.env.SERVICE_FEE_PERCENT = "12.5";
process.env.TAX_PERCENT = "15";
