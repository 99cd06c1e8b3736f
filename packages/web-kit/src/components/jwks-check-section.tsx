import { Button, Card, Code, Group, Stack, Title } from '@mantine/core';
import type { ApiClient } from '@payerbox/api-client';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { useApi } from '../api.tsx';
import { unwrap } from '../api-error.ts';
import { JwksReportView } from './jwks-report-view.tsx';
import { ErrorAlert, FullPageLoader } from './page-states.tsx';

/**
 * The query-options factory of `POST /api/v1/jwks-checks` for a page that shows a service's key set: checked when the
 * page opens and again on request, never on a timer or a retry (the API allows 20 checks a minute per user).
 */
export const jwksCheckQuery = (api: ApiClient, jwksUri: string) =>
  queryOptions({
    queryKey: ['jwks-check', jwksUri] as const,
    queryFn: () => unwrap(api.POST('/api/v1/jwks-checks', { body: { jwksUri } })),
    staleTime: 0,
    retry: false,
    refetchOnWindowFocus: false,
  });

/**
 * A service's JWKS URI with the live check of its key set and **Check again**. A check that did not run (429 past the
 * rate limit, a network failure) is said above the last report, which stays.
 */
export function JwksCheckSection(props: { jwksUri: string; title?: string }) {
  const api = useApi();
  const check = useQuery(jwksCheckQuery(api, props.jwksUri));
  // A service may name a second key set for production only ("Production JWKS URI").
  const title = props.title ?? 'JWKS URI';
  return (
    <Card withBorder component="section" aria-label={title}>
      <Stack gap="sm">
        <Title order={2} size="h3">
          {title}
        </Title>
        <Code>{props.jwksUri}</Code>
        {check.isPending && check.isFetching && <FullPageLoader label={`Checking the ${title}`} />}
        {check.isError && <ErrorAlert error={check.error} title="The key set was not checked" />}
        {check.data && <JwksReportView report={check.data} />}
        <Group>
          <Button size="xs" variant="light" loading={check.isFetching} onClick={() => check.refetch()}>
            Check again
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
