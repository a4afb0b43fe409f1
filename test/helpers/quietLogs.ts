/**
 * Imported right after env.js by test files that make the app log a warning per request on purpose
 * (thousands of refused or unknown payment signals): only errors are printed, so a real one stands out.
 */
process.env.LOG_LEVEL = "error";
