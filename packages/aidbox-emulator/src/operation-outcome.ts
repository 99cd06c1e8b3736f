/**
 * FHIR OperationOutcome bodies, the shape in which Aidbox reports every error of its REST API
 * (`docs/api/rest-api/crud/read.md`: `{resourceType, id, text: {status, div}, issue: [{severity, code, diagnostics}]}`).
 */

/** FHIR R4 IssueType codes the emulator uses (http://hl7.org/fhir/R4/valueset-issue-type.html). */
export type IssueCode =
  | 'invalid'
  | 'structure'
  | 'required'
  | 'value'
  | 'not-found'
  | 'deleted'
  | 'forbidden'
  | 'security'
  | 'login'
  | 'transient'
  | 'conflict'
  | 'duplicate'
  | 'multiple-matches'
  | 'not-supported'
  | 'too-costly'
  | 'exception';

export interface OutcomeIssue {
  readonly severity: 'fatal' | 'error';
  readonly code: IssueCode;
  readonly diagnostics: string;
  /** FHIRPath-like locations of the problem, for validation errors. */
  readonly expression?: readonly string[];
}

export interface OperationOutcome {
  readonly resourceType: 'OperationOutcome';
  readonly id: string;
  readonly text: { readonly status: 'generated'; readonly div: string };
  readonly issue: readonly OutcomeIssue[];
}

/** Builds an OperationOutcome; like Aidbox, its `id` is the code of the first issue. */
export function operationOutcome(issues: readonly OutcomeIssue[], summary?: string): OperationOutcome {
  const first = issues[0] ?? { severity: 'fatal', code: 'exception', diagnostics: 'Unknown error' };
  return {
    resourceType: 'OperationOutcome',
    id: first.code,
    text: { status: 'generated', div: escapeHtml(summary ?? first.diagnostics) },
    issue: issues.length > 0 ? issues : [first],
  };
}

/** An error a route throws to answer with `status` and an OperationOutcome. */
export class OutcomeError extends Error {
  override name = 'OutcomeError';
  readonly issues: readonly OutcomeIssue[];

  constructor(
    readonly status: number,
    code: IssueCode | readonly OutcomeIssue[],
    diagnostics = '',
    readonly headers: Readonly<Record<string, string>> = {},
    readonly summary?: string,
  ) {
    super(typeof code === 'string' ? diagnostics : (summary ?? 'Invalid resource'));
    this.issues = typeof code === 'string' ? [{ severity: severityOf(code), code, diagnostics }] : code;
  }

  get body(): OperationOutcome {
    return operationOutcome(this.issues, this.summary);
  }
}

/** Problems with what the caller sent are errors; refusals and failures of the server are fatal (as Aidbox's 404). */
function severityOf(code: IssueCode): OutcomeIssue['severity'] {
  switch (code) {
    case 'invalid':
    case 'structure':
    case 'required':
    case 'value':
    case 'conflict':
    case 'duplicate':
    case 'multiple-matches':
    case 'not-supported':
    case 'too-costly':
      return 'error';
    case 'not-found':
    case 'deleted':
    case 'forbidden':
    case 'security':
    case 'login':
    case 'transient':
    case 'exception':
      return 'fatal';
  }
}

function escapeHtml(text: string): string {
  return `<div>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</div>`;
}
