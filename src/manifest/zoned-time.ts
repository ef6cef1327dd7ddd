// Times in a named IANA zone with Intl only (no zone data of our own): a wall-clock time read in a
// zone, and an instant shown in the reader's zone and in the election's, each with the zone named.
// Browser-safe: the admin page reads the manifest's times with it, the booth shows them.

/** The reader's own zone, as the browser knows it. */
export const readerZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The zone's offset from UTC at instant `ms`, in ms (positive east of Greenwich). */
function offsetAt(ms: number, zone: string): number {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(ms).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant of a `datetime-local` value ("2026-12-05T18:00") read as wall-clock time in `zone`; null if
 * the value or the zone is not understood. Two rounds settle the offset across a daylight-saving change.
 */
export function wallTimeToInstant(local: string, zone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) return null;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  try {
    let t = wall - offsetAt(wall, zone);
    t = wall - offsetAt(t, zone);
    return t;
  } catch {
    return null;
  }
}

/** An instant in language `lang`, in `zone` (default the reader's), with the zone named. */
export function formatInZone(iso: string, lang: string, zone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = { year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit' } as const;
  try {
    return new Intl.DateTimeFormat(lang, { ...parts, timeZone: zone, timeZoneName: 'long' }).format(d);
  } catch {
    // A zone this system does not know: UTC, named as such.
    return new Intl.DateTimeFormat(lang, { ...parts, timeZone: 'UTC', timeZoneName: 'short' }).format(d);
  }
}
