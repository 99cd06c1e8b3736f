export * from './bulk-export-client.ts';
export { type Check, type Finding, runChecks } from './check.ts';
export { type CheckResult, exitCode, type RunReport, renderTable, totals, VERDICTS, type Verdict } from './report.ts';
export { ALL_CHECKS, type CheckRunOptions, runConformanceChecks } from './run.ts';
export * from './smart-client.ts';
export { type CheckTarget, type Environment, loadTarget } from './target.ts';
