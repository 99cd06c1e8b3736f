// When the re-check looks at each service's key set: once per interval, each service at its own time within it. The
// time is derived from the service's id, so the checks spread evenly over the interval (a day by default) instead of
// arriving all at once, and a service keeps its time across restarts and whichever notifier runs the check.
import { createHash } from 'node:crypto';

/** The service's offset within every interval, in [0, intervalMs): its slot. */
export function slotOffsetMs(serviceId: string, intervalMs: number): number {
  // 48 bits of SHA-256: uniform over any interval a person would configure, and exact as a JavaScript number.
  const hash = createHash('sha256').update(serviceId).digest().readUIntBE(0, 6);
  return hash % intervalMs;
}

/** The service's first slot strictly after `after`: never more than one interval away. */
export function nextSlotAfter(serviceId: string, intervalMs: number, after: Date): Date {
  const offset = slotOffsetMs(serviceId, intervalMs);
  const intervalsSinceSlot = Math.floor((after.getTime() - offset) / intervalMs);
  return new Date((intervalsSinceSlot + 1) * intervalMs + offset);
}

/**
 * How often the re-check looks for due services: often enough that a check runs close to its slot (a twentieth of the
 * interval), at most every minute, so a day's checks are each at most a minute late.
 */
export function recheckTickMs(intervalMs: number): number {
  return Math.max(50, Math.min(60_000, Math.floor(intervalMs / 20)));
}
