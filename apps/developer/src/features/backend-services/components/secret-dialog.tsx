import { ShownOnceDialog } from '@payerbox/web-kit';

/** The client id and its secret, shown once after create, a switch to client secret, or a rotation. */
export function SecretDialog(props: { clientId: string; secret: string | undefined; onClose: () => void }) {
  return (
    <ShownOnceDialog
      opened={props.secret !== undefined}
      title="Save your client secret"
      warning="This secret will not be shown again"
      explanation="Copy it now and keep it in your secret store. The portal keeps it encrypted and cannot display it again; if you lose it, rotate the secret from the service's page."
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
