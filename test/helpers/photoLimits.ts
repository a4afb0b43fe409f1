/**
 * Imported right after env.js (before anything that loads config) by photo tests: caps small enough
 * that an oversized file and a decompression bomb are quick to make.
 */
process.env.PHOTO_MAX_BYTES = "300000";
process.env.PHOTO_MAX_PIXELS = "10000000";
process.env.PHOTO_MAX_PER_LISTING = "4";
