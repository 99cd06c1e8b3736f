/**
 * The ids of the Groups in the emulator's sample data, for group-level bulk export: every member, and the members of
 * the East region (`seed-data.ts`). Light on purpose: the start command passes them to the portal's configuration.
 */
export const SAMPLE_GROUP_IDS = ['group-all-members', 'group-east-members'] as const;
