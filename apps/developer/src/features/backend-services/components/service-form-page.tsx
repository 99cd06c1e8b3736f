import { Anchor, Stack, Title } from '@mantine/core';
import type { BackendService } from '@payerbox/api-client';
import { QueryView, useApi } from '@payerbox/web-kit';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { serviceQueries } from '../api/queries.ts';

/**
 * A page whose form starts from one of the developer's services (Edit, Propose a change): the way back, the title, an
 * optional introduction, and the form once the service is read.
 */
export function ServiceFormPage(props: {
  title: string;
  intro?: ReactNode;
  children: (service: BackendService) => ReactNode;
}) {
  const { id = '' } = useParams();
  const api = useApi();
  // Read once: a background refresh must not reset what the user is typing.
  const query = useQuery({ ...serviceQueries.detail(api, id), refetchInterval: false, refetchOnWindowFocus: false });
  return (
    <Stack>
      <Anchor component={Link} to={`/services/${id}`} size="sm">
        ← Back to the service
      </Anchor>
      <Title order={1}>{props.title}</Title>
      {props.intro}
      <QueryView query={query} label="the service" notFound="There is no such service among yours.">
        {props.children}
      </QueryView>
    </Stack>
  );
}
