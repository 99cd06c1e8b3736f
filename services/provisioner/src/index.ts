export { loadProvisionerConfig, type ProvisionerConfig } from './config.ts';
export { queueDepth } from './queue.ts';
export { createWorker, type Worker, type WorkerOptions } from './worker.ts';
