import t from 'tap';
import { buildTestApp } from './helpers/app.ts';

t.test('answers liveness and readiness without credentials', async (t) => {
  const app = await buildTestApp(t);
  const health = await app.inject({ method: 'GET', url: '/api/health' });
  t.equal(health.statusCode, 200);
  t.same(health.json(), { status: 'ok' });
  const ready = await app.inject({ method: 'GET', url: '/api/ready' });
  t.equal(ready.statusCode, 200);
  t.same(ready.json(), { status: 'ready' });
});

t.test('serves the OpenAPI document and Swagger UI', async (t) => {
  const app = await buildTestApp(t);
  const spec = await app.inject({ method: 'GET', url: '/api/openapi.json' });
  t.equal(spec.statusCode, 200);
  t.equal(spec.json().openapi, '3.1.0');
  const docs = await app.inject({ method: 'GET', url: '/api/docs/' });
  t.equal(docs.statusCode, 200);
  t.match(docs.headers['content-type'], /text\/html/);
});

t.test('answers an unknown route with a problem', async (t) => {
  const app = await buildTestApp(t);
  const response = await app.inject({ method: 'GET', url: '/api/v2/nothing' });
  t.equal(response.statusCode, 404);
  t.match(response.headers['content-type'], /application\/problem\+json/);
  t.equal(response.json().code, 'route_not_found');
});
