import { List, Stack, Text } from '@mantine/core';
import type { SecretCutover } from '@payerbox/api-client';
import { formatDateTime } from '../format.ts';

/** Who reads the progress: the service's owner, who takes the steps, or an administrator, who watches them. */
export type CutoverReader = 'owner' | 'admin';

const SWITCHED_BY: Record<CutoverReader, Record<NonNullable<SecretCutover['switchedBy']>, string>> = {
  owner: { owner: 'you confirmed the switch', deadline: 'the deadline passed', emergency: 'emergency rotation' },
  admin: { owner: 'the owner confirmed the switch', deadline: 'the deadline passed', emergency: 'emergency rotation' },
};

/**
 * Where the latest production secret rotation is (README, "Credentials per environment"), step by step, in words: the
 * owner reads what to do next; an administrator reads the same steps about the owner.
 */
export function CutoverProgress(props: { cutover: SecretCutover; reader: CutoverReader }) {
  const { cutover, reader } = props;
  const whose = reader === 'owner' ? 'your' : 'the owner’s';
  const deadline = cutover.deadline ? `; switches by itself at ${formatDateTime(cutover.deadline)}` : '';
  const switched = cutover.switchedAt
    ? `Switched ${formatDateTime(cutover.switchedAt)} (${cutover.switchedBy ? SWITCHED_BY[reader][cutover.switchedBy] : 'switched'}).`
    : `Waiting for ${whose} confirmation${deadline}. Production still takes ${reader === 'owner' ? 'your' : 'the'} current secret.`;
  const applying =
    reader === 'owner'
      ? 'Applying: production is being given the new secret. Keep using the token you took before the switch.'
      : 'Applying: production is being given the new secret.';
  const applied =
    cutover.state === 'applied'
      ? `Applied ${formatDateTime(cutover.appliedAt)}: production takes only the new secret.`
      : cutover.state === 'applying'
        ? applying
        : 'Not yet: production gets the new secret once it is switched.';
  return (
    <Stack gap={4} data-testid="cutover-progress" data-state={cutover.state}>
      <Text size="sm" fw={600}>
        Latest rotation: {cutover.state === 'pending' ? 'waiting for the switch' : cutover.state}
      </Text>
      <List size="sm" type="ordered" spacing={2}>
        <List.Item>New secret issued {formatDateTime(cutover.startedAt)}.</List.Item>
        <List.Item>{switched}</List.Item>
        <List.Item>{applied}</List.Item>
      </List>
    </Stack>
  );
}
