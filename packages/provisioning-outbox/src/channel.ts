/**
 * The channel the provisioner workers LISTEN on. A notification is only a wake-up hint: the jobs are rows, and a worker
 * that misses one finds them when it next polls.
 */
export const PROVISIONING_CHANNEL = 'provisioning_jobs';

/** What a wake-up says about its cause (a worker does not read it; it shows in `pg_stat_activity` and traces). */
export type WakeHint = '' | 'drift';
