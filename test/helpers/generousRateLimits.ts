/**
 * Imported right after env.js (before anything that loads config) by test files that send many
 * logins, registrations, bookings, messages, payment returns/callbacks or socket messages from
 * 127.0.0.1 and are not about rate limits.
 */
process.env.RATE_LIMIT_LOGIN_PER_IP = "100000";
process.env.RATE_LIMIT_LOGIN_PER_EMAIL = "100000";
process.env.RATE_LIMIT_REGISTER_PER_IP = "100000";
process.env.RATE_LIMIT_PAYMENT_RETURN_PER_IP = "100000";
process.env.RATE_LIMIT_PAYMENT_CALLBACK_PER_IP = "100000";
process.env.RATE_LIMIT_BOOKINGS_PER_USER = "100000";
process.env.RATE_LIMIT_MESSAGES_PER_USER = "100000";
process.env.SOCKET_EVENTS_PER_SECOND = "100000";
