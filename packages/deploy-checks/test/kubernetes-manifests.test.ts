import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import {
  CONFIG_MAP,
  checkConfigReferences,
  checkContainerHardening,
  checkDisruptionBudgets,
  checkIngressBackends,
  checkKustomization,
  checkNamespaces,
  checkServices,
  describe,
  ingressPaths,
  KUSTOMIZATION_FILE,
  listYamlFiles,
  loadManifests,
  type ManifestDocument,
  probesOf,
  SECRET,
  secretVariables,
  validateObject,
} from '../src/index.ts';

const documents = await loadManifests();
const files = await listYamlFiles();
const objects = documents.filter((d) => d.file !== KUSTOMIZATION_FILE);

function find(kind: string, name: string): any {
  const found = objects.find((d) => d.object.kind === kind && d.object.metadata?.name === name);
  if (!found) throw new Error(`no ${kind}/${name}`);
  return found.object;
}

/** A deep copy of the manifests with one object changed, to show a rule catches the mistake. */
function withChange(kind: string, name: string, change: (object: any) => void): ManifestDocument[] {
  return documents.map((d) => {
    const object = structuredClone(d.object) as any;
    if (object.kind === kind && object.metadata?.name === name) change(object);
    return { ...d, object };
  });
}

const minimalDeployment = (replicas: unknown) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'example', namespace: 'payerbox-portal' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'example' } },
    template: {
      metadata: { labels: { app: 'example' } },
      spec: { containers: [{ name: 'example', image: 'example' }] },
    },
  },
});

t.test('every manifest document is a valid Kubernetes object of a kind the schemas know', async (t) => {
  t.ok(objects.length >= 15, `found ${objects.length} objects`);
  const problems: Record<string, string[]> = {};
  for (const document of objects) {
    const found = await validateObject(document.object);
    if (found.length > 0) problems[describe(document)] = found;
  }
  t.same(problems, {});
});

t.test('rejects a Deployment whose replicas is not a number', async (t) => {
  t.same(await validateObject(minimalDeployment(2)), [], 'the same Deployment with a number is valid');
  const problems = await validateObject(minimalDeployment('two'));
  t.match(problems, [/spec\/replicas must be integer/]);
});

t.test('rejects a resource quantity that is not a quantity and a port that is not a number', async (t) => {
  const deployment: any = minimalDeployment(1);
  deployment.spec.template.spec.containers[0].resources = { limits: { memory: 'plenty' } };
  t.match((await validateObject(deployment)).join(), /resources\/limits\/memory must match format "quantity"/);
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'example' },
    spec: { ports: [{ port: 'web' }] },
  };
  t.match(await validateObject(service), [/spec\/ports\/0\/port must be integer/]);
});

t.test('rejects an object of an unknown kind or apiVersion', async (t) => {
  t.match(await validateObject({ ...minimalDeployment(1), kind: 'Deploymnt' }), [/unknown kind apps\/v1\/Deploymnt/]);
  t.match(await validateObject({ ...minimalDeployment(1), apiVersion: 'apps/v9' }), [
    /unknown kind apps\/v9\/Deployment/,
  ]);
  t.match(await validateObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }), [
    /unknown kind example.com\/v1\/Widget/,
  ]);
  t.match(await validateObject({ kind: 'Deployment' }), [/apiVersion and kind must be strings/]);
});

t.test(
  'every Deployment container has probes, resources and a non-root, read-only, unprivileged context',
  async (t) => {
    t.same(checkContainerHardening(documents), []);
    const unprobed = withChange('Deployment', 'admin-spa', (d) => {
      delete d.spec.template.spec.containers[0].livenessProbe;
      d.spec.template.spec.securityContext.runAsNonRoot = false;
      d.spec.template.spec.containers[0].securityContext.runAsNonRoot = undefined;
    });
    t.match(checkContainerHardening(unprobed), [/admin-spa container nginx: no livenessProbe/, /not runAsNonRoot/]);
  },
);

t.test('the registration service is ready on /api/ready and alive on /api/health', async (t) => {
  t.same(probesOf(documents, 'registration'), {
    readiness: { path: '/api/ready', port: 3000 },
    liveness: { path: '/api/health', port: 3000 },
  });
});

t.test('the provisioner runs at least two replicas, alive on /health and ready on /ready of port 9464', async (t) => {
  t.ok(find('Deployment', 'provisioner').spec.replicas >= 2);
  t.same(probesOf(documents, 'provisioner'), {
    readiness: { path: '/ready', port: 9464 },
    liveness: { path: '/health', port: 9464 },
  });
});

t.test('the notifier runs at least two replicas, alive on /health and ready on /ready of port 9465', async (t) => {
  t.ok(find('Deployment', 'notifier').spec.replicas >= 2);
  t.same(probesOf(documents, 'notifier'), {
    readiness: { path: '/ready', port: 9465 },
    liveness: { path: '/health', port: 9465 },
  });
  t.equal(find('PodDisruptionBudget', 'notifier').spec.minAvailable, 1);
});

t.test('the notifier may reach public addresses but no private range, and only monitoring may reach it', async (t) => {
  const policy = find('NetworkPolicy', 'notifier');
  t.same(policy.spec.podSelector.matchLabels, find('Deployment', 'notifier').spec.selector.matchLabels);
  t.same(policy.spec.policyTypes, ['Ingress', 'Egress']);
  t.same(policy.spec.ingress, [
    {
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
      ports: [{ protocol: 'TCP', port: 9465 }],
    },
  ]);
  const blocks = policy.spec.egress.flatMap((rule: any) => rule.to).filter((to: any) => to.ipBlock);
  const v4 = blocks.find((to: any) => to.ipBlock.cidr === '0.0.0.0/0').ipBlock.except;
  for (const range of ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '127.0.0.0/8']) {
    t.ok(v4.includes(range), `the public egress leaves out ${range}`);
  }
  t.ok(blocks.find((to: any) => to.ipBlock.cidr === '::/0').ipBlock.except.includes('fc00::/7'));
});

t.test('the single-page apps listen on 8080 and are probed where their nginx serves the app', async (t) => {
  // Deployment name, probe path, and the image infra/docker/spa.Dockerfile builds.
  const apps = [
    ['developer-spa', '/', 'payerbox/developer-app'],
    ['admin-spa', '/admin/', 'payerbox/admin-app'],
  ] as const;
  for (const [name, path, image] of apps) {
    t.same(probesOf(documents, name), { readiness: { path, port: 8080 }, liveness: { path, port: 8080 } });
    t.equal(find('Deployment', name).spec.template.spec.containers[0].image, image);
  }
});

t.test('the autoscaler scales the registration Deployment between 2 and 10 replicas at 70% CPU', async (t) => {
  const hpa = find('HorizontalPodAutoscaler', 'registration');
  t.equal(hpa.apiVersion, 'autoscaling/v2');
  t.same(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'registration' });
  find('Deployment', 'registration');
  t.equal(hpa.spec.minReplicas, 2);
  t.equal(hpa.spec.maxReplicas, 10);
  t.same(hpa.spec.metrics, [
    { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
  ]);
});

t.test('disruption budgets select Deployment pods and keep one registration and one provisioner pod', async (t) => {
  t.same(checkDisruptionBudgets(documents), []);
  t.equal(find('PodDisruptionBudget', 'registration').spec.minAvailable, 1);
  t.equal(find('PodDisruptionBudget', 'provisioner').spec.minAvailable, 1);
  const stray = withChange('PodDisruptionBudget', 'registration', (pdb) => {
    pdb.spec.selector.matchLabels['app.kubernetes.io/name'] = 'registraton';
  });
  t.match(checkDisruptionBudgets(stray), [/PodDisruptionBudget\/registration: selects no Deployment's pods/]);
});

t.test('every Service selects existing pods and targets one of their ports', async (t) => {
  t.same(checkServices(documents), []);
  const stray = withChange('Service', 'developer-spa', (service) => {
    service.spec.ports[0].targetPort = 80;
  });
  t.match(checkServices(stray), [/Service\/developer-spa: targetPort 80 is no container port/]);
});

t.test(
  'the Ingress sends /api to registration, /admin to the admin SPA and / to the developer SPA over TLS',
  async (t) => {
    t.same(checkIngressBackends(documents), []);
    const ingress = find('Ingress', 'portal');
    t.equal(ingress.spec.ingressClassName, 'nginx');
    t.same(ingress.spec.tls, [{ hosts: ['portal.example.com'], secretName: 'portal-tls' }]);
    const routes = ingressPaths(documents).map((p) => [p.host, p.path, p.backend.service.name]);
    t.same(routes, [
      ['portal.example.com', '/api', 'registration'],
      ['portal.example.com', '/admin', 'admin-spa'],
      ['portal.example.com', '/', 'developer-spa'],
    ]);
    const broken = withChange('Ingress', 'portal', (i) => {
      i.spec.rules[0].http.paths[0].backend.service.port = { number: 8080 };
    });
    t.match(checkIngressBackends(broken), [/\/api: Service registration has no port 8080/]);
  },
);

t.test('no Ingress path exposes /metrics, the workers, or registration outside /api', async (t) => {
  for (const { path, backend } of ingressPaths(documents)) {
    t.notMatch(String(path), /metrics/);
    t.not(backend.service.name, 'provisioner');
    t.not(backend.service.name, 'notifier');
    if (backend.service.name === 'registration') t.equal(path, '/api');
  }
});

t.test('environment references use portal-config and portal-secrets and only keys that exist', async (t) => {
  t.same(checkConfigReferences(documents), []);
  const broken = withChange('Deployment', 'provisioner', (d) => {
    d.spec.template.spec.containers[0].env.push(
      { name: 'A', valueFrom: { configMapKeyRef: { name: CONFIG_MAP, key: 'NO_SUCH_KEY' } } },
      { name: 'B', valueFrom: { secretKeyRef: { name: 'other-secrets', key: 'DATABASE_URL' } } },
    );
  });
  t.match(checkConfigReferences(broken), [
    /A: ConfigMap portal-config has no key NO_SUCH_KEY/,
    /B: Secret other-secrets/,
  ]);
});

// The registration service never writes to Aidbox and reads only the production one's organizations (under OrgBAC),
// as its own read-only client: it gets no provisioning secret at all. Each process gets the credentials it uses and
// no others.
t.test('the services read their credentials from the Secret, never from the ConfigMap', async (t) => {
  t.same(secretVariables(documents, 'registration').sort(), [
    'DATABASE_URL',
    'METRICS_TOKEN',
    'OIDC_CLIENT_SECRET',
    'PRODUCTION_AIDBOX_READER_CLIENT_SECRET',
    'SECRET_ENCRYPTION_KEYS',
  ]);
  t.same(secretVariables(documents, 'provisioner').sort(), [
    'DATABASE_URL',
    'PRODUCTION_AIDBOX_CLIENT_SECRET',
    'SANDBOX_AIDBOX_CLIENT_SECRET',
    'SECRET_ENCRYPTION_KEYS',
  ]);
  // The keyring opens the webhook endpoints' signing secrets; SMTP sign-in is optional.
  t.same(secretVariables(documents, 'notifier').sort(), [
    'DATABASE_URL',
    'SECRET_ENCRYPTION_KEYS',
    'SMTP_PASSWORD',
    'SMTP_USER',
  ]);
  const configKeys = Object.keys(find('ConfigMap', CONFIG_MAP).data);
  t.same(
    configKeys.filter((key) => /SECRET|PASSWORD|TOKEN$|^DATABASE_URL$/.test(key)),
    [],
  );
  t.equal(find('Secret', SECRET).kind, 'Secret', 'the template documents the Secret');
});

t.test('the ConfigMap runs the portal in production mode behind https', async (t) => {
  const data = find('ConfigMap', CONFIG_MAP).data;
  t.equal(data.PORTAL_MODE, 'production');
  t.equal(data.ALLOW_LOOPBACK_JWKS, 'false');
  t.equal(data.HOST, '0.0.0.0');
  t.equal(data.PORT, '3000');
  t.match(data.PUBLIC_URL, /^https:\/\/portal\.example\.com$/);
  t.equal(data.METRICS_PORT, '9464');
  t.equal(data.METRICS_HOST, '0.0.0.0', 'the kubelet probes the pod IP, not loopback');
});

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

async function sourceText(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const texts = await Promise.all(
    entries
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => readFile(join(e.parentPath, e.name), 'utf8')),
  );
  return texts.join('\n');
}

t.test('every variable a service is given is one its source reads', async (t) => {
  for (const service of ['registration', 'provisioner', 'notifier']) {
    const source = await sourceText(join(REPO, 'services', service, 'src'));
    const env: { name: string }[] = find('Deployment', service).spec.template.spec.containers[0].env;
    const unknown = env.map((v) => v.name).filter((name) => name !== 'NODE_OPTIONS' && !source.includes(name));
    t.same(unknown, [], `${service} is given only variables it reads`);
  }
});

t.test(
  'the SPA images are given exactly the upstreams their nginx templates use, each an existing Service',
  async (t) => {
    for (const app of ['developer', 'admin']) {
      const template = await readFile(join(REPO, 'infra', 'nginx', `${app}.conf.template`), 'utf8');
      const used = [...new Set([...template.matchAll(/\$\{([A-Z_]+)\}/g)].map((m) => m[1]))].sort();
      const env: { name: string; value: string }[] = find('Deployment', `${app}-spa`).spec.template.spec.containers[0]
        .env;
      t.same(env.map((v) => v.name).sort(), used, `${app}-spa sets every variable of ${app}.conf.template`);
      for (const { name, value } of env) {
        const url = new URL(value);
        const service = find('Service', url.hostname);
        t.ok(
          service.spec.ports.some((p: any) => p.port === Number(url.port)),
          `${app}-spa ${name} names Service ${url.hostname} and its port ${url.port}`,
        );
      }
    }
  },
);

t.test('every object lives in the payerbox-portal namespace', async (t) => {
  t.same(checkNamespaces(documents), []);
});

t.test('the kustomization lists every manifest file and leaves the Secret template out', async (t) => {
  t.same(checkKustomization(files, documents), []);
  const kustomization = documents.find((d) => d.file === KUSTOMIZATION_FILE);
  t.ok(kustomization);
  t.same(checkKustomization([...files, 'forgotten.yaml'], documents), [
    `${KUSTOMIZATION_FILE} does not list forgotten.yaml`,
  ]);
  const withSecret = documents.map((d) =>
    d.file === KUSTOMIZATION_FILE
      ? { ...d, object: { ...d.object, resources: [...(d.object.resources as string[]), 'secret.example.yaml'] } }
      : d,
  );
  t.match(checkKustomization(files, withSecret), [/lists the Secret template/]);
});
