import { Type } from 'typebox';
import { StringEnum, Uuid } from '../../schemas/primitives.ts';

export const UserSummarySchema = Type.Object(
  { id: Uuid, email: Type.String(), name: Type.String() },
  { $id: 'UserSummary' },
);

export const MeSchema = Type.Object(
  { id: Uuid, email: Type.String(), name: Type.String(), role: StringEnum(['developer', 'admin']) },
  { $id: 'Me', description: 'The caller' },
);

export const USER_SCHEMAS = [UserSummarySchema, MeSchema];
