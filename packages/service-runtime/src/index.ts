export { exitGracefullyOnSignal, type GracefulShutdownOptions, type ShutdownLog } from './graceful-shutdown.ts';
export { LOG_REDACTION, serviceLoggerOptions } from './logging.ts';
export { type MetricsRegistry, type MetricsServer, startMetricsServer } from './metrics-server.ts';
