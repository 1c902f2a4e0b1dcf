/**
 * Time in the simulation: epoch milliseconds inside, GitHub's formats outside. People work in
 * their own time zone, so placing work "at 10:00 on a weekday" depends on whose 10:00 it is.
 */

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** GitHub's API timestamps: UTC, whole seconds, `2019-05-15T15:20:53Z`. */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A git commit timestamp in the committer's local offset, `2013-02-22T13:50:07-08:00`. */
export function isoWithOffset(ms: number, offsetMinutes: number): string {
  if (offsetMinutes === 0) return isoUtc(ms);
  const local = new Date(ms + offsetMinutes * MINUTE).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

/** The instant it is `localHours` o'clock on the calendar day `dayStartUtc`, where the clock reads UTC+offset. */
export function atLocalTime(dayStartUtc: number, localHours: number, offsetMinutes: number): number {
  return dayStartUtc + localHours * HOUR - offsetMinutes * MINUTE;
}

/** Monday to Friday, by the calendar day that starts at `dayStartUtc`. */
export function isWeekday(dayStartUtc: number): boolean {
  const d = new Date(dayStartUtc).getUTCDay();
  return d >= 1 && d <= 5;
}

/**
 * The first moment at or after `ms` that falls in office hours (10:00–16:00) on a weekday where
 * the clock reads UTC+offset: release managers don't ship at 3 a.m. or on Sundays.
 */
export function nextOfficeHour(ms: number, offsetMinutes: number): number {
  const local = ms + offsetMinutes * MINUTE;
  let day = startOfUtcDay(local);
  let hour = (local - day) / HOUR;
  for (;;) {
    if (isWeekday(day) && hour < 16) return day + Math.max(hour, 10) * HOUR - offsetMinutes * MINUTE;
    day += DAY;
    hour = 0;
  }
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
