export { type MetricsServer, startMetricsServer } from '@payerbox/service-runtime';
export { loadProvisionerConfig, type ProvisionerConfig } from './config.ts';
export { createProvisionerMetrics, type ProvisionerMetrics } from './metrics.ts';
export { createWorker, type Worker, type WorkerOptions } from './worker.ts';
