import { forbidden } from "../../errors.js";
import type { Actor } from "../accounts/tokens.js";

/**
 * Who may do what to listings. Listings are public, so refusing a non-owner is 403 (not 404):
 * there is no existence to hide.
 */
export function mayCreateListing(actor: Actor): boolean {
  return actor.role === "host" || actor.role === "admin";
}

/** Update and archive: the listing's host, or an admin. */
export function mayManageListing(actor: Actor, listing: { hostId: string }): boolean {
  return actor.role === "admin" || actor.id === listing.hostId;
}

export function assertMayCreateListing(actor: Actor): void {
  if (!mayCreateListing(actor)) throw forbidden("Only hosts and admins may list places.");
}

export function assertMayManageListing(actor: Actor, listing: { hostId: string }): void {
  if (!mayManageListing(actor, listing)) throw forbidden("Only the listing's host or an admin may change it.");
}
