import { Alert, Button, Group, Radio, Select, Stack, Textarea, TextInput } from '@mantine/core';
import type { BackendService, JwksReport } from '@payerbox/api-client';
import type { AuthMethod } from '@payerbox/domain';
import {
  ApiError,
  CountedTextInput,
  DraftNotices,
  describeError,
  fieldErrors,
  flattenOrganizations,
  JwksReportView,
  organizationsQuery,
  type PersistedDraft,
  SupportReference,
  unwrap,
  useApi,
  usePersistedDraft,
} from '@payerbox/web-kit';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';

import { draftFromScopes, emptyRow, ScopeBuilder, type ScopeDraft, scopesOf } from './scope-builder.tsx';
import { scopeRowProblems } from './scope-rows.ts';
import { NAME_MAX, serviceFormErrors } from './service-form-checks.ts';

export interface ServiceFormValues {
  readonly name: string;
  readonly description: string;
  readonly authMethod: AuthMethod;
  readonly jwksUri: string;
  /** Production's own key set URL; empty: production uses the JWKS URI. */
  readonly productionJwksUri: string;
  readonly scopeVersion: BackendService['scopeVersion'];
  readonly scopes: string[];
  /** Only in deployments that use organizations (OrgBAC). */
  readonly organizationId: string | null;
}

/** The form's values for a new service, or for editing `initial`: what a draft is compared with. */
function startingValues(initial: BackendService | undefined): ServiceFormValues {
  return {
    name: initial?.name ?? '',
    description: initial?.description ?? '',
    authMethod: initial?.authMethod ?? 'jwks_uri',
    jwksUri: initial?.jwksUri ?? '',
    productionJwksUri: initial?.productionJwksUri ?? '',
    scopeVersion: initial?.scopeVersion ?? 'v2',
    // As the scope builder gives them back, so that an untouched edit form holds no draft.
    scopes: initial ? scopesOf(draftFromScopes(initial.scopes, initial.scopeVersion)) : [],
    organizationId: initial?.organizationId ?? null,
  };
}

/**
 * The unsent input of the service form `form` (`register-service`, `edit-service:<id>`), kept across a sign-in round
 * trip. A service form holds no secret (the client secret is issued by the API and never typed here).
 */
export function useServiceDraft(form: string, initial?: BackendService): PersistedDraft<ServiceFormValues> {
  const starting = useMemo(() => startingValues(initial), [initial]);
  return usePersistedDraft(form, starting);
}

/** The JWKS report a rejected save carries (400 jwks_invalid), to show it next to the field. */
function reportOf(error: unknown): JwksReport | undefined {
  if (!(error instanceof ApiError) || error.code !== 'jwks_invalid') return undefined;
  return (error.problem as { jwksReport?: JwksReport } | undefined)?.jwksReport;
}

/**
 * The service details form of Register New and Edit: name, description, authentication method (JWKS URI with its
 * Check button, or client secret) and the scope builder. Required fields are checked before sending (and then live
 * as the user corrects them); API field errors appear next to their fields, as sentences.
 */
export function ServiceForm(props: ServiceFormProps) {
  // A discarded draft starts the fields over from the initial values.
  return <ServiceFields key={props.draft.generation} {...props} />;
}

interface ServiceFormProps {
  initial?: BackendService | undefined;
  /** From {@link useServiceDraft}; the caller clears it once the form is sent. */
  draft: PersistedDraft<ServiceFormValues>;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (values: ServiceFormValues) => void;
  onCancel?: () => void;
}

function ServiceFields(props: ServiceFormProps) {
  const api = useApi();
  const { draft } = props;
  const [start] = useState(() => draft.restored ?? startingValues(props.initial));
  const [name, setName] = useState(start.name);
  const [description, setDescription] = useState(start.description);
  const [authMethod, setAuthMethod] = useState<AuthMethod>(start.authMethod);
  const [jwksUri, setJwksUri] = useState(start.jwksUri);
  // A draft kept before this field existed has none.
  const [productionJwksUri, setProductionJwksUri] = useState(start.productionJwksUri ?? '');
  const [organizationId, setOrganizationId] = useState<string | null>(start.organizationId);
  const organizations = useQuery(organizationsQuery(api));
  const [scopeDraft, setScopeDraft] = useState<ScopeDraft>(() =>
    start.scopes.length
      ? draftFromScopes(start.scopes, start.scopeVersion)
      : { version: start.scopeVersion, rows: [emptyRow()] },
  );
  const check = useMutation({
    mutationFn: (uri: string) => unwrap(api.POST('/api/v1/jwks-checks', { body: { jwksUri: uri } })),
  });
  const values: ServiceFormValues = {
    name,
    description,
    authMethod,
    jwksUri,
    productionJwksUri,
    scopeVersion: scopeDraft.version,
    scopes: scopesOf(scopeDraft),
    organizationId: organizations.data?.enabled ? organizationId : null,
  };
  // Every change is kept at once: the next request may be the one that finds the session ended.
  const { save } = draft;
  const typed = JSON.stringify({ ...values, organizationId });
  useEffect(() => save(JSON.parse(typed) as ServiceFormValues), [save, typed]);
  // Once a submit was refused here, the browser's own findings follow the input live.
  const [attempts, setAttempts] = useState(0);
  const ownErrors = attempts > 0 ? serviceFormErrors(values, organizations.data?.enabled === true) : {};
  const apiErrors = fieldErrors(props.error);
  const errors = { ...apiErrors, ...ownErrors };
  const checkErrors = fieldErrors(check.error);
  const savedReport = reportOf(props.error);
  const report = check.data ?? savedReport;
  const otherError =
    props.error && Object.keys(apiErrors).length === 0 && !savedReport ? describeError(props.error) : undefined;

  // After a refused submit, focus goes to the first field that says what is wrong.
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (attempts > 0) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [attempts]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // The scope builder shows its row problems next to the rows; they refuse the submit like the field checks.
    const refused = Object.keys(serviceFormErrors(values, organizations.data?.enabled === true)).length > 0;
    if (refused || scopeRowProblems(scopeDraft).size > 0) {
      setAttempts((count) => count + 1);
      return;
    }
    props.onSubmit(values);
  };

  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-label="Service details">
      <Stack gap="md" maw={860}>
        <DraftNotices draft={draft} />
        <CountedTextInput
          label="Name"
          description="Shown to reviewers and in your dashboard"
          required
          field="name"
          max={NAME_MAX}
          value={name}
          onChange={setName}
          error={errors.name}
        />
        <Textarea
          label="Description"
          description="What the service does with the data (helps the review)"
          autosize
          minRows={2}
          maxLength={1000}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          error={errors.description}
        />
        <Radio.Group
          label="Authentication method"
          value={authMethod}
          onChange={(value) => setAuthMethod(value as AuthMethod)}
          error={errors.authMethod}
          required
        >
          <Stack gap="xs" mt="xs">
            <Radio
              value="jwks_uri"
              label="JWKS URI"
              description="The SMART Backend Services method: your service signs a private_key_jwt assertion with a key published at a JWKS URI. Required for ONC (g)(10) certified bulk data access."
            />
            <Radio
              value="client_secret"
              label="Client secret"
              description="The portal generates a client id and secret, shown once. Simpler, but not SMART Backend Services or (g)(10) compliant."
            />
          </Stack>
        </Radio.Group>
        {authMethod === 'jwks_uri' && (
          <Stack gap="xs">
            <Group align="flex-start" gap="xs">
              <TextInput
                label="JWKS URI"
                description="https URL of the public JWK Set your service signs its client assertions with"
                placeholder="https://example.com/.well-known/jwks.json"
                required
                type="url"
                value={jwksUri}
                onChange={(e) => setJwksUri(e.currentTarget.value)}
                error={errors.jwksUri ?? checkErrors.jwksUri}
                style={{ flex: 1 }}
              />
              <Button
                variant="light"
                mt={46}
                loading={check.isPending}
                disabled={jwksUri.trim() === ''}
                onClick={() => check.mutate(jwksUri.trim())}
              >
                Check
              </Button>
            </Group>
            {check.isError && Object.keys(checkErrors).length === 0 && (
              <Alert color="red" role="alert">
                {describeError(check.error)}
                <SupportReference error={check.error} />
              </Alert>
            )}
            {report && <JwksReportView report={report} />}
            <TextInput
              label="Production key set URL (optional)"
              description="Only if production signs with other keys than the sandbox: production then checks assertions against this key set. Leave it empty to use the JWKS URI above in both environments."
              placeholder="https://example.com/.well-known/production-jwks.json"
              type="url"
              value={productionJwksUri}
              onChange={(e) => setProductionJwksUri(e.currentTarget.value)}
              error={errors.productionJwksUri}
            />
          </Stack>
        )}
        {organizations.data?.enabled && (
          <Select
            label="Organization"
            description="The organization whose data the service may access (it sees that organization's and its sub-organizations' data)"
            placeholder="Choose an organization"
            required
            searchable
            data={flattenOrganizations(organizations.data.organizations).map((org) => ({
              value: org.id,
              label: org.path.join(' › '),
            }))}
            value={organizationId}
            onChange={setOrganizationId}
            error={errors.organizationId}
          />
        )}
        {organizations.isError && (
          <Alert color="red" role="alert" title="Organizations could not be loaded">
            {describeError(organizations.error)}
            <SupportReference error={organizations.error} />
          </Alert>
        )}
        <ScopeBuilder value={scopeDraft} onChange={setScopeDraft} {...(errors.scopes && { error: errors.scopes })} />
        {(errors.form || otherError) && (
          <Alert color="red" role="alert" title="Not saved">
            {errors.form ?? otherError}
            <SupportReference error={props.error} />
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={props.pending}>
            {props.submitLabel}
          </Button>
          {props.onCancel && (
            <Button
              variant="default"
              onClick={() => {
                draft.clear();
                props.onCancel?.();
              }}
            >
              Cancel
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}
