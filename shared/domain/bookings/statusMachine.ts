import { conflict } from "../../errors.js";
import type { BookingStatus } from "./status.js";

/** API.md's status machine: every allowed move. Anything else is 409 invalid_transition. */
const ALLOWED: Record<BookingStatus, readonly BookingStatus[]> = {
  pending_payment: ["confirmed", "expired", "cancelled"],
  confirmed: ["completed", "cancelled"],
  completed: [],
  expired: [],
  cancelled: [],
};

export function canTransition(from: BookingStatus, to: BookingStatus): boolean {
  return ALLOWED[from].includes(to);
}

export function assertTransition(from: BookingStatus, to: BookingStatus): void {
  if (!canTransition(from, to)) {
    throw conflict("invalid_transition", `A ${from.replace("_", " ")} booking cannot become ${to.replace("_", " ")}.`);
  }
}
