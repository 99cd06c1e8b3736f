import { Alert, Anchor, Button, Center, Loader, Stack, Text, Title } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext } from 'react';
import { Link } from 'react-router';
import { ApiError, describeError } from '../api-error.ts';
import { SupportReference } from './support-reference.tsx';

/** A spinner with an accessible name, centred in the page. */
export function FullPageLoader(props: { label: string }) {
  return (
    <Center h="60vh">
      <Loader role="status" aria-label={props.label} />
    </Center>
  );
}

/** What went wrong, with a Try again button when the failure may pass. */
export function ErrorAlert(props: { error: unknown; onRetry?: () => void; title?: string }) {
  return (
    <Alert color="red" title={props.title ?? 'Something went wrong'} role="alert">
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{describeError(props.error)}</Text>
        <SupportReference error={props.error} />
        {props.onRetry && (
          <Button size="xs" variant="light" color="red" onClick={props.onRetry}>
            Try again
          </Button>
        )}
      </Stack>
    </Alert>
  );
}

export function FullPageError(props: { error: unknown; onRetry?: () => void }) {
  return (
    <Center h="60vh" p="md">
      <ErrorAlert {...props} />
    </Center>
  );
}

/** Where a not-found page sends the user, named as that portal names its first page. */
export interface HomeLink {
  readonly to: string;
  readonly label: string;
}

const HomeLinkContext = createContext<HomeLink>({ to: '/', label: 'Back to the dashboard' });

/** Sets the link of every not-found page below it (the router's, a page's, the route error's). */
export const HomeLinkProvider = HomeLinkContext.Provider;

/**
 * The page for an address that names nothing (or something the user may not see); `error`, the API's answer that
 * said so, adds its reference for support.
 */
export function NotFoundPage(props: { what?: string; error?: unknown }) {
  const home = useContext(HomeLinkContext);
  return (
    <Stack align="center" py="xl" gap="sm">
      <Title order={1}>Not found</Title>
      <Text>{props.what ?? 'There is no page at this address.'}</Text>
      <SupportReference error={props.error} />
      <Anchor component={Link} to={home.to}>
        {home.label}
      </Anchor>
    </Stack>
  );
}

/**
 * Renders a query's data, or its loading and error states (never a blank screen). A 404 becomes the not-found page.
 */
export function QueryView<T>(props: {
  query: UseQueryResult<T>;
  label: string;
  notFound?: string;
  children: (data: T) => ReactNode;
}) {
  const { query } = props;
  if (query.isPending) return <FullPageLoader label={`Loading ${props.label}`} />;
  if (query.isError) {
    // A malformed id in the address (400) names nothing either.
    if (query.error instanceof ApiError && [400, 404].includes(query.error.status) && props.notFound) {
      return <NotFoundPage what={props.notFound} error={query.error} />;
    }
    return <ErrorAlert error={query.error} onRetry={() => query.refetch()} title={`Could not load ${props.label}`} />;
  }
  return <>{props.children(query.data)}</>;
}
