// What tests, the development launcher and the benchmarks outside this package may use of its internals: seeding
// users and API tokens, and the list queries the scale benchmark times. Everything else stays private to the service.
export { createApiToken } from './modules/api-tokens/service.ts';
export { hashToken } from './modules/api-tokens/token-format.ts';
export { listServicesQuery, reviewQueueQuery } from './modules/backend-services/repository-reads.ts';
export { upsertUserByEmail } from './modules/users/repository.ts';
export { encodeCursor } from './pagination.ts';
