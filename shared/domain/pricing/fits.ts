/** bookings.total_price and payments.amount are int4. */
export const MAX_TOTAL = 2_147_483_647;
export const fitsTotalPrice = (total: number) => Number.isSafeInteger(total) && total >= 0 && total <= MAX_TOTAL;
