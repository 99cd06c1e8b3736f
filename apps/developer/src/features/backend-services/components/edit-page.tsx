import type { BackendService } from '@payerbox/api-client';
import { NotFoundPage, unwrap, useApi } from '@payerbox/web-kit';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { serviceQueries } from '../api/queries.ts';
import { updateBody } from '../api/service-body.ts';
import { SecretDialog } from './secret-dialog.tsx';
import { ServiceForm, type ServiceFormValues, useServiceDraft } from './service-form.tsx';
import { ServiceFormPage } from './service-form-page.tsx';

function EditForm(props: { service: BackendService }) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { service } = props;
  const draft = useServiceDraft(`edit-service:${service.id}`, service);
  const [issuedSecret, setIssuedSecret] = useState<string>();
  const update = useMutation({
    // If-Match: a change made elsewhere since this page loaded answers 412 instead of being overwritten.
    mutationFn: (values: ServiceFormValues) =>
      unwrap(
        api.PATCH('/api/v1/backend-services/{id}', {
          params: { path: { id: service.id }, header: { 'if-match': `"${service.version}"` } },
          body: updateBody(values),
        }),
      ),
    onSuccess: ({ clientSecret, ...updated }) => {
      draft.clear();
      queryClient.setQueryData(serviceQueries.detail(api, service.id).queryKey, updated);
      void queryClient.invalidateQueries({ queryKey: serviceQueries.all });
      if (clientSecret) setIssuedSecret(clientSecret);
      else void navigate(`/services/${service.id}`);
    },
  });
  if (!service.availableActions.includes('edit')) {
    return <NotFoundPage what="Only drafts can be edited; withdraw a service under review first." />;
  }
  return (
    <>
      <ServiceForm
        initial={service}
        draft={draft}
        submitLabel="Save"
        pending={update.isPending}
        error={update.error}
        onSubmit={(values) => update.mutate(values)}
        onCancel={() => void navigate(`/services/${service.id}`)}
      />
      <SecretDialog
        clientId={service.clientId}
        secret={issuedSecret}
        onClose={() => void navigate(`/services/${service.id}`)}
      />
    </>
  );
}

/** Edit: a draft's details, saved with the version it was read at. */
export function EditPage() {
  return <ServiceFormPage title="Edit service">{(service) => <EditForm service={service} />}</ServiceFormPage>;
}
