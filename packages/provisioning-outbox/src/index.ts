export { PROVISIONING_CHANNEL, type WakeHint } from './channel.ts';
export { type ClaimedJob, claimJobs, completeJob, failJob, queueDriftChecks, retryJob } from './jobs.ts';
export { dueJobs, queueDepth } from './reads.ts';
export { wakeProvisioner } from './requests.ts';
export { lockServiceForChange, type ServiceLock } from './service-lock.ts';
export { DRIFT_CHECK, provisioningRequestCtes, type RequestValues } from './statements.ts';
