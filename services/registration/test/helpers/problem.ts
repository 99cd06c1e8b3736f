import type { Test } from 'tap';
import { PROBLEM_CODES } from '../../src/problem-codes.ts';

/** The parts of a response the assertions read; both `app.inject` responses and {@link HttpResponse} have them. */
export interface ResponseLike {
  readonly statusCode: number;
  readonly headers: Record<string, unknown>;
  json(): any;
}

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail?: string;
  readonly errors?: { path: string; message: string }[];
  readonly currentStatus?: string;
  readonly currentVersion?: number;
  readonly [member: string]: unknown;
}

/**
 * Asserts that a response is an RFC 9457 problem with this status and code (a code of the vocabulary, sent with its
 * status), carrying the request id in its body and header, and returns its body.
 */
export function expectProblem(t: Test, response: ResponseLike, status: number, code: string): Problem {
  t.equal(response.statusCode, status, `answers ${status} ${code}`);
  t.match(response.headers['content-type'], /^application\/problem\+json/, 'as application/problem+json');
  const body = response.json() as Problem;
  t.equal(body.status, status, 'the body repeats the status');
  t.equal(body.code, code, `the code is ${code}`);
  t.equal(body.type, `urn:payerbox:problem:${code}`, 'the type names the code');
  t.ok(typeof body.title === 'string' && body.title.length > 0, 'has a title');
  t.equal(PROBLEM_CODES[code as keyof typeof PROBLEM_CODES]?.status, status, `${code} is listed with status ${status}`);
  t.match(body.requestId, /\S/, 'names the request id');
  t.equal(response.headers['x-request-id'], body.requestId, 'as the x-request-id header does');
  t.equal(response.headers['x-content-type-options'], 'nosniff', 'with nosniff');
  return body;
}

/** The distinct `errors[].path` of a validation problem, sorted. */
export function errorPaths(problem: Problem): string[] {
  return [...new Set((problem.errors ?? []).map((error) => error.path))].sort();
}
