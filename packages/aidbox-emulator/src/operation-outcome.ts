/**
 * FHIR OperationOutcome bodies, the shape in which Aidbox reports every error of its REST API, as its docs show it
 * (`HealthSamurai/aidbox-docs`): `{resourceType, id, text: {status: generated, div}, issue: [{severity, code,
 * diagnostics}]}` with `id` the first issue's code (`docs/api/rest-api/crud/read.md`, 404; `docs/api/rest-api/crud/
 * update.md`, "Version Id mismatch" on a versioned update), and for an invalid resource (`docs/api/rest-api/crud/create.md`, 422)
 * `text.div: Invalid resource` and one issue per problem, `{severity: fatal, code: invalid, expression: [<path>],
 * diagnostics: <what is wrong>}`. Every error example in those docs has `severity: fatal`, and `div` is plain text.
 * 422 (rather than 400) for an invalid resource is what `BOX_FHIR_COMPLIANT_MODE=true` gives
 * (`docs/reference/all-settings.md`), which docker-compose.yml sets.
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
  /** `fatal` in every error Aidbox documents. */
  readonly severity: 'fatal';
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
    text: { status: 'generated', div: summary ?? first.diagnostics },
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
    this.issues = typeof code === 'string' ? [{ severity: 'fatal', code, diagnostics }] : code;
  }

  get body(): OperationOutcome {
    return operationOutcome(this.issues, this.summary);
  }
}
