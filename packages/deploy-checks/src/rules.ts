import { describe, KUSTOMIZATION_FILE, type ManifestDocument, SECRET_TEMPLATE_FILE } from './manifests.ts';

/** The namespace, ConfigMap and Secret every manifest of the portal uses. */
export const NAMESPACE = 'payerbox-portal';
export const CONFIG_MAP = 'portal-config';
export const SECRET = 'portal-secrets';

// Manifests are parsed YAML: the rules read them loosely and report what is missing rather than trusting a type.
type Loose = any;

function ofKind(documents: readonly ManifestDocument[], kind: string): ManifestDocument[] {
  return documents.filter((d) => d.object.kind === kind && d.file !== KUSTOMIZATION_FILE);
}

function named(documents: readonly ManifestDocument[], kind: string, name: string): ManifestDocument | undefined {
  return ofKind(documents, kind).find((d) => d.object.metadata?.name === name);
}

/** The objects kustomize applies: everything but the kustomization itself and the Secret template. */
export function deployedObjects(documents: readonly ManifestDocument[]): ManifestDocument[] {
  return documents.filter((d) => d.file !== KUSTOMIZATION_FILE && d.file !== SECRET_TEMPLATE_FILE);
}

/** Every container (init containers too) of every Deployment, with the pod spec it sits in. */
function containers(documents: readonly ManifestDocument[]) {
  return ofKind(documents, 'Deployment').flatMap((deployment) => {
    const pod: Loose = (deployment.object.spec as Loose)?.template?.spec ?? {};
    const all: Loose[] = [...(pod.initContainers ?? []), ...(pod.containers ?? [])];
    return all.map((container) => ({
      deployment,
      pod,
      container,
      where: `${describe(deployment)} container ${container?.name}`,
    }));
  });
}

function isSubset(selector: Record<string, unknown> | undefined, labels: Record<string, unknown> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

function podLabels(deployment: ManifestDocument): Record<string, unknown> | undefined {
  return (deployment.object.spec as Loose)?.template?.metadata?.labels;
}

/** Every container has readiness and liveness probes, CPU and memory requests and limits, and a locked-down context. */
export function checkContainerHardening(documents: readonly ManifestDocument[]): string[] {
  const problems: string[] = [];
  for (const { pod, container, where } of containers(documents)) {
    if (!container.readinessProbe) problems.push(`${where}: no readinessProbe`);
    if (!container.livenessProbe) problems.push(`${where}: no livenessProbe`);
    for (const bound of ['requests', 'limits'] as const) {
      for (const resource of ['cpu', 'memory']) {
        if (container.resources?.[bound]?.[resource] === undefined) problems.push(`${where}: no ${bound}.${resource}`);
      }
    }
    const context: Loose = container.securityContext ?? {};
    if ((context.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) !== true)
      problems.push(`${where}: not runAsNonRoot`);
    if (context.allowPrivilegeEscalation !== false) problems.push(`${where}: allows privilege escalation`);
    if (context.readOnlyRootFilesystem !== true) problems.push(`${where}: root filesystem is writable`);
    if (!context.capabilities?.drop?.includes('ALL')) problems.push(`${where}: does not drop ALL capabilities`);
    if (context.privileged === true) problems.push(`${where}: is privileged`);
  }
  return problems;
}

/** The HTTP GET probe paths and ports of one Deployment's first container. */
export function probesOf(documents: readonly ManifestDocument[], name: string) {
  const deployment = named(documents, 'Deployment', name);
  const container: Loose = (deployment?.object.spec as Loose)?.template?.spec?.containers?.[0];
  const port = (probe: Loose): unknown => {
    const value = probe?.httpGet?.port;
    // A named port resolves to the container's port number.
    return typeof value === 'string' ? container?.ports?.find((p: Loose) => p.name === value)?.containerPort : value;
  };
  return {
    readiness: { path: container?.readinessProbe?.httpGet?.path, port: port(container?.readinessProbe) },
    liveness: { path: container?.livenessProbe?.httpGet?.path, port: port(container?.livenessProbe) },
  };
}

/** Every PodDisruptionBudget selects the pods of a Deployment. */
export function checkDisruptionBudgets(documents: readonly ManifestDocument[]): string[] {
  const deployments = ofKind(documents, 'Deployment');
  return ofKind(documents, 'PodDisruptionBudget')
    .filter(
      (pdb) => !deployments.some((d) => isSubset((pdb.object.spec as Loose)?.selector?.matchLabels, podLabels(d))),
    )
    .map((pdb) => `${describe(pdb)}: selects no Deployment's pods`);
}

/** Every Service selects a Deployment's pods, and each target port is a port of that pod's containers. */
export function checkServices(documents: readonly ManifestDocument[]): string[] {
  const problems: string[] = [];
  for (const service of ofKind(documents, 'Service')) {
    const spec: Loose = service.object.spec ?? {};
    const target = ofKind(documents, 'Deployment').find((d) => isSubset(spec.selector, podLabels(d)));
    if (!target) {
      problems.push(`${describe(service)}: selects no Deployment's pods`);
      continue;
    }
    const ports: Loose[] = ((target.object.spec as Loose).template.spec.containers ?? []).flatMap(
      (c: Loose) => c.ports ?? [],
    );
    for (const port of spec.ports ?? []) {
      const targetPort = port.targetPort ?? port.port;
      const known = ports.some((p) => p.name === targetPort || p.containerPort === targetPort);
      if (!known) problems.push(`${describe(service)}: targetPort ${targetPort} is no container port`);
    }
  }
  return problems;
}

/** Every Ingress backend names an existing Service and one of its ports. */
export function checkIngressBackends(documents: readonly ManifestDocument[]): string[] {
  const problems: string[] = [];
  for (const { path, backend, where } of ingressPaths(documents)) {
    const service = backend?.service;
    const target = named(documents, 'Service', service?.name);
    if (!target) {
      problems.push(`${where} ${path}: no Service ${service?.name}`);
      continue;
    }
    const ports: Loose[] = (target.object.spec as Loose)?.ports ?? [];
    const port = service?.port ?? {};
    if (!ports.some((p) => (port.name !== undefined ? p.name === port.name : p.port === port.number))) {
      problems.push(`${where} ${path}: Service ${service.name} has no port ${port.name ?? port.number}`);
    }
  }
  return problems;
}

/** Every path of every Ingress rule, with its backend. */
export function ingressPaths(documents: readonly ManifestDocument[]) {
  return ofKind(documents, 'Ingress').flatMap((ingress) =>
    ((ingress.object.spec as Loose)?.rules ?? []).flatMap((rule: Loose) =>
      (rule.http?.paths ?? []).map((p: Loose) => ({
        host: rule.host as unknown,
        path: p.path as unknown,
        pathType: p.pathType as unknown,
        backend: p.backend as Loose,
        where: describe(ingress),
      })),
    ),
  );
}

/**
 * Every configMapKeyRef and secretKeyRef (and envFrom source) names the portal's ConfigMap or Secret, and every
 * key read exists: in the ConfigMap, and in the Secret template that documents the real Secret's keys.
 */
export function checkConfigReferences(documents: readonly ManifestDocument[]): string[] {
  const problems: string[] = [];
  const configKeys = Object.keys((named(documents, 'ConfigMap', CONFIG_MAP)?.object.data as Loose) ?? {});
  const secret: Loose = named(documents, 'Secret', SECRET)?.object ?? {};
  const secretKeys = [...Object.keys(secret.stringData ?? {}), ...Object.keys(secret.data ?? {})];
  for (const { container, where } of containers(documents)) {
    for (const source of container.envFrom ?? []) {
      if (source.configMapRef && source.configMapRef.name !== CONFIG_MAP) {
        problems.push(`${where}: envFrom ConfigMap ${source.configMapRef.name}`);
      }
      if (source.secretRef && source.secretRef.name !== SECRET)
        problems.push(`${where}: envFrom Secret ${source.secretRef.name}`);
    }
    for (const variable of container.env ?? []) {
      const { configMapKeyRef: configRef, secretKeyRef: secretRef } = variable.valueFrom ?? {};
      if (configRef && configRef.name !== CONFIG_MAP)
        problems.push(`${where} ${variable.name}: ConfigMap ${configRef.name}`);
      if (configRef && !configKeys.includes(configRef.key)) {
        problems.push(`${where} ${variable.name}: ConfigMap ${CONFIG_MAP} has no key ${configRef.key}`);
      }
      if (secretRef && secretRef.name !== SECRET) problems.push(`${where} ${variable.name}: Secret ${secretRef.name}`);
      if (secretRef && !secretKeys.includes(secretRef.key)) {
        problems.push(`${where} ${variable.name}: ${SECRET_TEMPLATE_FILE} documents no key ${secretRef.key}`);
      }
    }
  }
  return problems;
}

/** The names of the environment variables a Deployment's first container reads from the Secret. */
export function secretVariables(documents: readonly ManifestDocument[], name: string): string[] {
  const deployment = named(documents, 'Deployment', name);
  const env: Loose[] = (deployment?.object.spec as Loose)?.template?.spec?.containers?.[0]?.env ?? [];
  return env.filter((v) => v.valueFrom?.secretKeyRef).map((v) => v.name as string);
}

/** Every namespaced object of the base lives in the portal's namespace, and the base creates that namespace. */
export function checkNamespaces(documents: readonly ManifestDocument[]): string[] {
  const problems: string[] = [];
  if (!named(documents, 'Namespace', NAMESPACE)) problems.push(`no Namespace ${NAMESPACE}`);
  for (const document of documents.filter((d) => d.file !== KUSTOMIZATION_FILE && d.object.kind !== 'Namespace')) {
    if (document.object.metadata?.namespace !== NAMESPACE) problems.push(`${describe(document)}: not in ${NAMESPACE}`);
  }
  return problems;
}

/**
 * The kustomization lists every manifest file and only existing ones, and leaves the Secret template out; no
 * Secret is ever part of the base.
 */
export function checkKustomization(files: readonly string[], documents: readonly ManifestDocument[]): string[] {
  const kustomization: Loose = documents.find((d) => d.file === KUSTOMIZATION_FILE)?.object;
  if (!kustomization) return [`no ${KUSTOMIZATION_FILE}`];
  const problems: string[] = [];
  const resources: string[] = kustomization.resources ?? [];
  for (const file of files) {
    if (file === KUSTOMIZATION_FILE || file === SECRET_TEMPLATE_FILE) continue;
    if (!resources.includes(file)) problems.push(`${KUSTOMIZATION_FILE} does not list ${file}`);
  }
  for (const resource of resources) {
    if (!files.includes(resource)) problems.push(`${KUSTOMIZATION_FILE} lists ${resource}, which does not exist`);
  }
  if (resources.includes(SECRET_TEMPLATE_FILE)) problems.push(`${KUSTOMIZATION_FILE} lists the Secret template`);
  if (kustomization.namespace !== NAMESPACE) problems.push(`${KUSTOMIZATION_FILE} namespace is not ${NAMESPACE}`);
  for (const document of deployedObjects(documents)) {
    if (document.object.kind === 'Secret') problems.push(`${describe(document)}: a Secret is committed in the base`);
  }
  return problems;
}
