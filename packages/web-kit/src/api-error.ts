import { isProblem, type Problem } from '@payerbox/api-client';

/** An answer of the API that is not a success: carries the problem+json body when the API sent one. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | undefined;

  constructor(status: number, body: unknown) {
    const problem = isProblem(body) ? body : undefined;
    super(problem?.detail ?? problem?.title ?? `The portal answered ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  get code(): string | undefined {
    return this.problem?.code;
  }
}

interface FetchResult<T> {
  readonly data?: T;
  readonly error?: unknown;
  readonly response: Response;
}

/**
 * The data of an openapi-fetch call, or an ApiError for a non-2xx answer. Network failures stay TypeErrors, which the
 * query client retries.
 */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<NonNullable<T>> {
  const { data, error, response } = await call;
  if (!response.ok) throw new ApiError(response.status, error);
  return data as NonNullable<T>;
}

/**
 * Field messages of a validation problem, keyed by the first segment of the body path (`/body/scopes/0` -> `scopes`),
 * so a form can show each one next to its field.
 */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const fields: Record<string, string> = {};
  for (const { path, message } of error.problem?.errors ?? []) {
    const [, part, field] = path.split('/');
    if (part !== 'body') continue;
    const key = field === undefined || field === '' ? 'form' : field;
    fields[key] = fields[key] ? `${fields[key]}; ${message}` : message;
  }
  return fields;
}

/** A sentence for the user: the problem's detail, or what kind of failure it was. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const problem = error.problem;
    if (problem) return [problem.title, problem.detail].filter(Boolean).join(': ');
    return `The portal answered with status ${error.status}.`;
  }
  if (error instanceof TypeError) return 'The portal could not be reached. Check your connection and try again.';
  return error instanceof Error ? error.message : String(error);
}
