import { isRouteErrorResponse, useRouteError } from 'react-router';
import { FullPageError, NotFoundPage } from './page-states.tsx';

/** Whatever a page throws (or a page's code failing to load after a deploy) ends here, never in a blank screen. */
export function RouteError() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFoundPage />;
  return <FullPageError error={error} onRetry={() => location.reload()} />;
}
