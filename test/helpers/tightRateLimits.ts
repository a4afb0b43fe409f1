/**
 * Imported right after env.js (before anything that loads config, which is read once per process)
 * by the rate limit tests: limits small enough to reach in a few requests.
 */
export const TIGHT = {
  loginPerEmail: 3,
  loginPerIp: 6,
  registerPerIp: 2,
  paymentReturnPerIp: 3,
  paymentCallbackPerIp: 4,
} as const;
process.env.RATE_LIMIT_LOGIN_PER_EMAIL = String(TIGHT.loginPerEmail);
process.env.RATE_LIMIT_LOGIN_PER_IP = String(TIGHT.loginPerIp);
process.env.RATE_LIMIT_REGISTER_PER_IP = String(TIGHT.registerPerIp);
process.env.RATE_LIMIT_PAYMENT_RETURN_PER_IP = String(TIGHT.paymentReturnPerIp);
process.env.RATE_LIMIT_PAYMENT_CALLBACK_PER_IP = String(TIGHT.paymentCallbackPerIp);
