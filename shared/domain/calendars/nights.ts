/** Spans of nights [checkIn, checkOut) as YYYY-MM-DD strings (which compare as dates). */
export interface Span {
  checkIn: string;
  checkOut: string;
}

const max = (a: string, b: string) => (a > b ? a : b);
const min = (a: string, b: string) => (a < b ? a : b);

/** Whether two spans share a night. */
export const overlaps = (a: Span, b: Span) => a.checkIn < b.checkOut && b.checkIn < a.checkOut;

/** The nights both spans take, or null. */
export function intersection(a: Span, b: Span): Span | null {
  return overlaps(a, b) ? { checkIn: max(a.checkIn, b.checkIn), checkOut: min(a.checkOut, b.checkOut) } : null;
}

/** The parts of `span` that none of `taken` covers, in order. */
export function subtract(span: Span, taken: readonly Span[]): Span[] {
  let parts: Span[] = [span];
  for (const t of taken) {
    if (!overlaps(span, t)) continue;
    const next: Span[] = [];
    for (const p of parts) {
      if (!overlaps(p, t)) next.push(p);
      else {
        if (p.checkIn < t.checkIn) next.push({ checkIn: p.checkIn, checkOut: t.checkIn });
        if (t.checkOut < p.checkOut) next.push({ checkIn: t.checkOut, checkOut: p.checkOut });
      }
    }
    parts = next;
  }
  return parts;
}
