import { MantineProvider } from '@mantine/core';
import { QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { ApiProvider } from './api.tsx';
import { createQueryClient } from './query-client.ts';
import { type PortalApp, signInUrl } from './session.tsx';
import { portalCssVariables, portalTheme } from './theme.ts';

/**
 * Mantine, the API client and TanStack Query, set up the same way for both SPAs. The colour scheme follows the operating
 * system's (`prefers-color-scheme`, also when it changes while the page is open); there is no toggle.
 */
export function PortalProviders(props: { app: PortalApp; children: ReactNode }) {
  const [queryClient] = useState(() => createQueryClient(() => location.assign(signInUrl(props.app))));
  return (
    <MantineProvider theme={portalTheme} defaultColorScheme="auto" cssVariablesResolver={portalCssVariables}>
      <ApiProvider>
        <QueryClientProvider client={queryClient}>{props.children}</QueryClientProvider>
      </ApiProvider>
    </MantineProvider>
  );
}
