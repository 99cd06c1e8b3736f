import { type Static, type TSchema, Type } from 'typebox';

/** A string enum as plain JSON Schema (`type: string` + `enum`), which reads best in OpenAPI and generated clients. */
export function StringEnum<const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) {
  return Type.Unsafe<T[number]>({ ...options, type: 'string', enum: [...values] });
}

/** A `$ref` to a shared schema (registered with `addSchema`) that keeps the referenced type for inference. */
export function Ref<T extends TSchema>(schema: T) {
  const id = (schema as { $id?: unknown }).$id;
  if (typeof id !== 'string') throw new Error('Ref() needs a schema with an $id');
  return Type.Unsafe<Static<T>>(Type.Ref(id));
}

/** `T | null`, with an optional description and the like. */
export function Nullable<T extends TSchema>(schema: T, options: Record<string, unknown> = {}) {
  return Type.Union([schema, Type.Null()], options);
}

export const Uuid = Type.String({ format: 'uuid' });
export const DateTime = Type.String({ format: 'date-time' });
