/**
 * Registration settings that keep the rate limits out of the way of load: the benchmark sends thousands of creates a
 * minute as one developer from 127.0.0.1, the provisioning benchmark queues a backlog of a thousand at once. The
 * limits still count every request (one statement per write), so measurements include their cost; only the refusals
 * are gone. The largest values the service accepts.
 */
export const UNMET_RATE_LIMITS = {
  WRITE_RATE_LIMIT_PER_USER: '10000000',
  WRITE_RATE_LIMIT_PER_ADDRESS: '10000000',
  ANONYMOUS_RATE_LIMIT_PER_ADDRESS: '10000000',
} as const;
