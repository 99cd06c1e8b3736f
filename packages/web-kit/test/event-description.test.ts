import t from 'tap';
import { actionLabel, describeDetail, describeEdit, eventText } from '../src/event-description.ts';

t.test('names every action in words, and an unknown one as it is', async (t) => {
  t.equal(actionLabel('approve'), 'Approved');
  t.equal(actionLabel('submit'), 'Submitted for review');
  t.equal(actionLabel('rotate_secret'), 'Sandbox client secret rotated');
  t.equal(actionLabel('resync'), 'Provisioning retried');
  t.equal(actionLabel('return'), 'Returned for changes');
  t.equal(actionLabel('retire'), 'Retired by its owner');
  t.equal(actionLabel('teleport'), 'teleport');
});

t.test('describes an edit as scopes added and removed and every other field as before → after', async (t) => {
  const detail = {
    changed: ['authMethod', 'description', 'jwksUri', 'name', 'scopes'],
    changes: {
      authMethod: { from: 'jwks_uri', to: 'client_secret' },
      description: { from: null, to: 'Nightly claims' },
      jwksUri: { from: 'https://keys.example/jwks.json', to: null },
      name: { from: 'Claims', to: 'Claims sync' },
      scopes: { from: ['system/Patient.rs', 'system/Coverage.rs'], to: ['system/Patient.rs', 'system/Claim.rs'] },
    },
    secret: 'issued',
  };
  t.same(describeDetail(detail), [
    'Changed authentication method, description, JWKS URI, name, scopes',
    'Authentication method: JWKS URI → Client secret',
    'Description: none → Nightly claims',
    'JWKS URI: https://keys.example/jwks.json → none',
    'Name: Claims → Claims sync',
    'Scopes added: system/Claim.rs',
    'Scopes removed: system/Coverage.rs',
    'A client secret was issued',
  ]);
  t.same(
    describeEdit(detail),
    [
      'Changed authentication method, description, JWKS URI, name, scopes',
      'Authentication method: JWKS URI → Client secret',
      'Name: Claims → Claims sync',
      'Scopes added: system/Claim.rs',
      'Scopes removed: system/Coverage.rs',
      'A client secret was issued',
    ],
    'the timeline names the long fields only',
  );
  t.same(describeDetail({ changed: ['name', 'scopes'] }), ['Sent name, scopes'], 'an edit of before comparison');
});

t.test('quotes a note or a reason, lists re-armed environments and shows any other member as text', async (t) => {
  t.same(describeDetail({ note: 'Looks good' }), ['Note: “Looks good”']);
  t.same(describeDetail({ reason: 'No agreement' }), ['Reason: “No agreement”']);
  t.same(eventText({ note: '' }), undefined, 'an empty note says nothing');
  t.same(describeDetail({ environments: ['sandbox', 'production'] }), ['Environments: Sandbox, Production']);
  t.same(describeDetail({ environments: [] }), ['No environment to provision']);
  t.same(describeDetail({ ticket: 'OPS-12', status: { from: 'a', to: 'b' }, count: 3 }), [
    'Ticket: OPS-12',
    'Status: a → b',
    'Count: 3',
  ]);
  t.same(describeDetail({}), [], 'an empty detail says nothing');
});

t.test('describes the production secret steps in words, never the secret', async (t) => {
  t.equal(actionLabel('start_secret_cutover'), 'Production client secret rotation started');
  t.equal(actionLabel('secret_cutover_applied'), 'New production client secret applied');
  t.same(describeDetail({ note: 'ok', productionSecret: 'issued' }), [
    'Note: “ok”',
    'A production client secret was issued',
  ]);
  t.same(describeDetail({ environment: 'production', deadline: '2026-12-12T06:00:00.000Z', replacedPending: true }), [
    'Environment: Production',
    'Switches by itself at 2026-12-12T06:00:00.000Z unless confirmed before',
    'It replaces a new secret that was still waiting for its switch',
  ]);
  t.same(describeDetail({ environment: 'production', immediate: true }), [
    'Environment: Production',
    'The old secret stops working at once',
  ]);
  t.same(describeDetail({ switchedBy: 'deadline' }), ['Switched when the deadline passed']);
});
