import { LIFECYCLE_ACTIONS } from './lifecycle.ts';
import { SYSTEM_EVENT_ACTIONS } from './notifications.ts';
import { SECRET_CUTOVER_EVENTS } from './production-secret.ts';

/**
 * Every action an audit event can name, as the audit log filters by it: the lifecycle's, the provisioner's cutover
 * events, and the system events (provisioning given up, a key set failing its scheduled check).
 */
export const AUDIT_EVENT_ACTIONS = [...LIFECYCLE_ACTIONS, ...SECRET_CUTOVER_EVENTS, ...SYSTEM_EVENT_ACTIONS] as const;
export type AuditEventAction = (typeof AUDIT_EVENT_ACTIONS)[number];
