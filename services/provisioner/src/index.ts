export { loadProvisionerConfig, type ProvisionerConfig } from './config.ts';
export { createProvisionerMetrics, type ProvisionerMetrics } from './metrics.ts';
export { type MetricsServer, startMetricsServer } from './metrics-server.ts';
export { createWorker, type Worker, type WorkerOptions } from './worker.ts';
