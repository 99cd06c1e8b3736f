import { isProblem, type Problem } from '@payerbox/api-client';
import { apiFieldMessage } from './field-messages.ts';

/** An answer of the API that is not a success: carries the problem+json body when the API sent one. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | undefined;
  /**
   * The id the portal logged the request under (its `x-request-id` header, else the problem's `requestId`), for the
   * user to quote to support; undefined when the answer carried none.
   */
  readonly requestId: string | undefined;

  constructor(status: number, body: unknown, requestId?: string | null) {
    const problem = isProblem(body) ? body : undefined;
    super(problem?.detail ?? problem?.title ?? `The portal answered ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.requestId = requestId || problem?.requestId || undefined;
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
  if (!response.ok) throw new ApiError(response.status, error, response.headers.get('x-request-id'));
  return data as NonNullable<T>;
}

const FORM_SENTENCE = 'Some of what you entered is not valid; check the form and try again.';

/**
 * Field messages of a validation problem as sentences (see `field-messages.ts`), keyed by the first segment of the
 * body path (`/body/scopes/0` -> `scopes`), so a form can show each one next to its field. Errors of the body as a
 * whole, or of another part of the request, are under `form`.
 */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const sentences: Record<string, string[]> = {};
  for (const { path, message } of error.problem?.errors ?? []) {
    const [, part, segment] = path.split('/');
    const field = segment?.replaceAll('~1', '/').replaceAll('~0', '~');
    const key = part !== 'body' || field === undefined || field === '' ? 'form' : field;
    // Not one field (the body as a whole, a header): nothing to point at, so one plain sentence for all of them.
    const sentence = key === 'form' ? FORM_SENTENCE : apiFieldMessage(key, message);
    const list = sentences[key] ?? [];
    sentences[key] = list;
    // An empty name breaks minLength and pattern at once: one sentence says it.
    if (!list.includes(sentence)) list.push(sentence);
  }
  return Object.fromEntries(Object.entries(sentences).map(([key, list]) => [key, list.join(' ')]));
}

/** A sentence for the user: the problem's detail, or what kind of failure it was. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const problem = error.problem;
    // A validation problem's title and detail are schema talk; its field sentences say what to change.
    if (problem?.code === 'validation_failed') {
      const sentences = Object.values(fieldErrors(error));
      return sentences.length > 0 ? sentences.join(' ') : FORM_SENTENCE;
    }
    if (problem) return [problem.title, problem.detail].filter(Boolean).join(': ');
    return `The portal answered with status ${error.status}.`;
  }
  if (error instanceof TypeError) return 'The portal could not be reached. Check your connection and try again.';
  return error instanceof Error ? error.message : String(error);
}

/** The request id a failure carries for support (see {@link ApiError.requestId}); undefined for any other error. */
export function supportReference(error: unknown): string | undefined {
  return error instanceof ApiError ? error.requestId : undefined;
}
