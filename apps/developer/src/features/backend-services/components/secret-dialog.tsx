import { ShownOnceDialog } from '@payerbox/web-kit';

const TITLES = { sandbox: 'Save your client secret', production: 'Save your production client secret' } as const;
const EXPLANATIONS = {
  sandbox:
    "Copy it now and keep it in your secret store. The portal keeps it encrypted and cannot display it again; if you lose it, rotate the secret from the service's page.",
  production:
    "This secret works in production only; the sandbox keeps its own. Copy it now and keep it in your production secret store. The portal cannot display it again; if you lose it, rotate the production secret from the service's page.",
} as const;

/**
 * The client id and a secret, shown once: the sandbox secret after create, a switch to client secret or a rotation;
 * the production secret at its retrieval or rotation.
 */
export function SecretDialog(props: {
  clientId: string;
  secret: string | undefined;
  environment?: 'sandbox' | 'production';
  onClose: () => void;
}) {
  const environment = props.environment ?? 'sandbox';
  return (
    <ShownOnceDialog
      opened={props.secret !== undefined}
      title={TITLES[environment]}
      warning="This secret will not be shown again"
      explanation={EXPLANATIONS[environment]}
      values={[
        { label: 'Client ID', value: props.clientId },
        ...(props.secret ? [{ label: 'Client secret', value: props.secret, once: true }] : []),
      ]}
      acknowledge="I have saved the secret"
      confirmation="I have stored the client secret somewhere safe"
      onClose={props.onClose}
    />
  );
}
