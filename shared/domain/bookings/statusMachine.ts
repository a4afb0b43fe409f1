import { conflict } from "../../errors.js";
import type { BookingStatus } from "./status.js";

/** API.md's status machine: every allowed move. Anything else is 409 invalid_transition. */
const ALLOWED: Record<BookingStatus, readonly BookingStatus[]> = {
  // A request: the host accepts (then the guest pays), declines, lets the deadline pass (declined), or the guest withdraws.
  pending_approval: ["pending_payment", "declined", "cancelled"],
  pending_payment: ["confirmed", "expired", "cancelled"],
  confirmed: ["completed", "cancelled"],
  completed: [],
  expired: [],
  cancelled: [],
  declined: [],
};

export function canTransition(from: BookingStatus, to: BookingStatus): boolean {
  return ALLOWED[from].includes(to);
}

export function assertTransition(from: BookingStatus, to: BookingStatus): void {
  if (!canTransition(from, to)) {
    throw conflict("invalid_transition", `A ${from.replace("_", " ")} booking cannot become ${to.replace("_", " ")}.`);
  }
}
