// pg-boss settings shared by the coordinator and the workers. A job whose worker died (SIGKILL, a lost
// machine) stays active until its timeout; the supervisor of any pg-boss instance on the database then
// moves it back to the queue (retry), and another worker takes it. The timeout must exceed the time one
// job takes (about 20 ms of one core per ballot, 256 ballots by default: 5 s), else a slow job is run
// twice (harmless, since the first stored answer stands, but wasted).
import type PgBoss from 'pg-boss';

export interface QueueTiming {
  /** Seconds a job may run before pg-boss gives it to another worker (default 300). */
  jobTimeoutSeconds?: number;
}

export function queueOptions(t: QueueTiming): Omit<PgBoss.Queue, 'name'> {
  // Retries: a job is only retried after its worker died or failed; a dozen covers any sane run.
  return { expireInSeconds: t.jobTimeoutSeconds ?? 300, retryLimit: 12, retryDelay: 0, retentionDays: 7 };
}

export function bossOptions(t: QueueTiming): PgBoss.ConstructorOptions {
  const timeout = t.jobTimeoutSeconds ?? 300;
  // Expired jobs are found by the supervisor: look a few times per timeout.
  return { max: 4, supervise: true, schedule: false, maintenanceIntervalSeconds: Math.max(1, Math.min(60, Math.floor(timeout / 4))) };
}
