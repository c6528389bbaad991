/**
 * Reading and checking the Kubernetes manifests under deploy/kubernetes without a cluster: their
 * documents parsed, the model class of each kind (kubernetes-models, which carries the object
 * schemas offline), and the project's own checks as functions that return the problems they find,
 * so a test can show each check refusing a broken copy.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { IContainer, IEnvVar, IPodSpec, IProbe } from 'kubernetes-models/v1' with { 'resolution-mode': 'import' };

/** The folder of the plain manifests. */
export const MANIFEST_DIR = path.resolve(__dirname, '../../deploy/kubernetes');

/** Kustomize's own file: not a Kubernetes object, checked apart. */
export const KUSTOMIZATION_FILE = 'kustomization.yaml';

/** A parsed object with the fields every Kubernetes object has. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** One document of one manifest file. */
export interface Manifest {
  file: string;
  /** The document's place in its file, from 0. */
  index: number;
  object: KubeObject;
}

/** Every YAML file of `dir` but the kustomization, by name. */
export function manifestFiles(dir = MANIFEST_DIR): string[] {
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name) && name !== KUSTOMIZATION_FILE)
    .sort();
}

/** Parses every document of `file` (empty documents skipped); throws on YAML errors, naming the file. */
export function parseManifestFile(file: string, dir = MANIFEST_DIR): Manifest[] {
  const docs = parseAllDocuments(readFileSync(path.join(dir, file), 'utf8'));
  const manifests: Manifest[] = [];
  docs.forEach((doc, index) => {
    if (doc.errors.length > 0) throw new Error(`${file} document ${index}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const object = doc.toJS() as KubeObject | null;
    if (object !== null) manifests.push({ file, index, object });
  });
  return manifests;
}

/** Every document of every manifest file of `dir`. */
export function loadManifests(dir = MANIFEST_DIR): Manifest[] {
  return manifestFiles(dir).flatMap((file) => parseManifestFile(file, dir));
}

/** The kustomization's list of resources and its image overrides. */
export function loadKustomization(dir = MANIFEST_DIR): { resources: string[]; images: Array<{ name: string; newName?: string; newTag?: string }> } {
  const parsed = parseAllDocuments(readFileSync(path.join(dir, KUSTOMIZATION_FILE), 'utf8'));
  const first = parsed[0];
  if (parsed.length !== 1 || !first || first.errors.length > 0) throw new Error(`${KUSTOMIZATION_FILE} must be one valid YAML document`);
  const doc = first.toJS() as { resources?: string[]; images?: Array<{ name: string; newName?: string; newTag?: string }> };
  return { resources: doc.resources ?? [], images: doc.images ?? [] };
}

/** A kubernetes-models class: builds an object of one kind and validates it against that kind's schema. */
export interface KubeModel {
  readonly kind: string;
  new (data: unknown): { validate(): void };
}

/**
 * The kubernetes-models class of `apiVersion` and `kind` (`apps/v1` → `apps.v1`,
 * `networking.k8s.io/v1` → `networkingK8sIo.v1`, `v1` → the core group), or undefined for a kind
 * the Kubernetes API does not have.
 */
export async function modelFor(apiVersion: string, kind: string): Promise<KubeModel | undefined> {
  // ESM only: reached through import() from this CommonJS project.
  const models = (await import('kubernetes-models')) as unknown as Record<string, Record<string, Record<string, unknown>> | undefined>;
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const versions = group === '' ? { [version]: models[version] as unknown as Record<string, unknown> } : models[exportName(group)];
  const candidate = versions?.[version]?.[kind] as KubeModel | undefined;
  // Only top-level kinds carry their own `kind`: this refuses parts such as `DeploymentSpec`.
  return typeof candidate === 'function' && candidate.kind === kind ? candidate : undefined;
}

/** `rbac.authorization.k8s.io` → `rbacAuthorizationK8sIo`, as kubernetes-models names its group modules. */
function exportName(group: string): string {
  return group
    .split('.')
    .map((part, i) => (i === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1)))
    .join('');
}

/** Validates `object` against its kind's schema; throws naming the problem, or an unknown kind. */
export async function validateObject(object: KubeObject): Promise<void> {
  const Model = await modelFor(object.apiVersion, object.kind);
  if (!Model) throw new Error(`unknown kind ${object.apiVersion} ${object.kind}`);
  new Model(object).validate();
}

/** `Kind/name`, for messages. */
export function nameOf(object: KubeObject): string {
  return `${object.kind}/${object.metadata?.name}`;
}

/** The pod template's spec of a workload (Deployment, StatefulSet, Job …), or undefined for other kinds. */
export function podSpecOf(object: KubeObject): IPodSpec | undefined {
  const spec = object.spec as { template?: { spec?: IPodSpec } } | undefined;
  return spec?.template?.spec;
}

/** Every container (init containers too) of every workload among `objects`. */
export function containersOf(objects: KubeObject[]): Array<{ owner: KubeObject; container: IContainer }> {
  return objects.flatMap((owner) => {
    const pod = podSpecOf(owner);
    if (!pod) return [];
    return [...(pod.initContainers ?? []), ...(pod.containers ?? [])].map((container) => ({ owner, container }));
  });
}

/** The one object of `kind` named `name` among `objects`. */
export function find(objects: KubeObject[], kind: string, name: string): KubeObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata?.name === name);
}

/**
 * Containers whose image is missing or not pinned to a release (no tag, or `latest`, and no
 * digest), and images that differ from the others: the API, the workers and the migrations must
 * run one release.
 */
export function imageProblems(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  const images = new Set<string>();
  for (const { owner, container } of containersOf(objects)) {
    const where = `${nameOf(owner)} container ${container.name}`;
    if (!container.image) {
      problems.push(`${where}: no image`);
      continue;
    }
    images.add(container.image);
    const tag = imageTag(container.image);
    if (!container.image.includes('@sha256:') && (tag === undefined || tag === 'latest')) problems.push(`${where}: image ${container.image} is not pinned`);
  }
  if (images.size > 1) problems.push(`containers run different images: ${[...images].join(', ')}`);
  return problems;
}

/** The tag of an image reference (`registry:5000/app:1.2` → `1.2`), or undefined. */
export function imageTag(image: string): string | undefined {
  const last = image.split('@')[0]!.split('/').pop()!;
  const colon = last.indexOf(':');
  return colon < 0 ? undefined : last.slice(colon + 1);
}

/**
 * Environment variable names the manifests set that are not settings of src/config.ts: each
 * container's `env`, and the keys of the ConfigMaps and Secrets it takes whole (`envFrom`).
 */
export function unknownSettings(objects: KubeObject[], settings: readonly string[]): string[] {
  const known = new Set(settings);
  const problems: string[] = [];
  for (const { owner, container } of containersOf(objects)) {
    for (const name of envNames(objects, container)) {
      if (!known.has(name)) problems.push(`${nameOf(owner)} container ${container.name} sets ${name}, which src/config.ts does not read`);
    }
  }
  return problems;
}

/** The names a container's environment gets: its `env` and every key of its `envFrom` sources. */
export function envNames(objects: KubeObject[], container: IContainer): string[] {
  const fromSources = (container.envFrom ?? []).flatMap((source) => {
    const ref = source.configMapRef ?? source.secretRef;
    const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
    const target = ref?.name ? find(objects, kind, ref.name) : undefined;
    return target ? Object.keys(dataOf(target)).map((key) => `${source.prefix ?? ''}${key}`) : [];
  });
  return [...fromSources, ...(container.env ?? []).map((e) => e.name)];
}

/** A ConfigMap's or Secret's keys and values (`data` base64-decoded for Secrets, `stringData` as is). */
export function dataOf(object: KubeObject): Record<string, string> {
  const data = (object.data ?? {}) as Record<string, string>;
  const decoded = object.kind === 'Secret' ? Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])) : data;
  return { ...decoded, ...((object.stringData ?? {}) as Record<string, string>) };
}

/**
 * References that lead nowhere: a `secretKeyRef` or `configMapKeyRef` naming a Secret or ConfigMap
 * the manifests lack, or a key it does not have, and `envFrom` sources that do not exist. An
 * optional reference still has to match the example, so that the example shows every key.
 */
export function danglingReferences(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  for (const { owner, container } of containersOf(objects)) {
    const where = `${nameOf(owner)} container ${container.name}`;
    for (const variable of container.env ?? []) {
      const ref = keyRefOf(variable);
      if (!ref) continue;
      const target = find(objects, ref.kind, ref.name);
      if (!target) problems.push(`${where}: ${variable.name} refers to ${ref.kind}/${ref.name}, which no manifest defines`);
      else if (!(ref.key in dataOf(target))) problems.push(`${where}: ${variable.name} refers to key ${ref.key}, which ${ref.kind}/${ref.name} lacks`);
    }
    for (const source of container.envFrom ?? []) {
      const [kind, name] = source.configMapRef ? ['ConfigMap', source.configMapRef.name] : ['Secret', source.secretRef?.name];
      if (!name || !find(objects, kind!, name)) problems.push(`${where}: envFrom ${kind}/${name}, which no manifest defines`);
    }
  }
  return problems;
}

/** The Secret or ConfigMap key a variable is taken from, if any. */
export function keyRefOf(variable: IEnvVar): { kind: 'Secret' | 'ConfigMap'; name: string; key: string } | undefined {
  const secret = variable.valueFrom?.secretKeyRef;
  if (secret) return { kind: 'Secret', name: secret.name ?? '', key: secret.key };
  const map = variable.valueFrom?.configMapKeyRef;
  if (map) return { kind: 'ConfigMap', name: map.name ?? '', key: map.key };
  return undefined;
}

/**
 * A container's environment as the kubelet would give it, read from the manifests: `envFrom`
 * first, then `env` (which wins); downward-API fields taken from `pod`. Throws on a reference it
 * cannot resolve.
 */
export function resolveEnv(objects: KubeObject[], container: IContainer, pod: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
    const name = (source.configMapRef ?? source.secretRef)?.name ?? '';
    const target = find(objects, kind, name);
    if (!target) throw new Error(`no ${kind}/${name}`);
    for (const [key, value] of Object.entries(dataOf(target))) env[`${source.prefix ?? ''}${key}`] = value;
  }
  for (const variable of container.env ?? []) {
    const ref = keyRefOf(variable);
    const field = variable.valueFrom?.fieldRef?.fieldPath;
    if (variable.value !== undefined) env[variable.name] = variable.value;
    else if (ref) {
      const target = find(objects, ref.kind, ref.name);
      const value = target ? dataOf(target)[ref.key] : undefined;
      if (value === undefined) throw new Error(`${variable.name}: no ${ref.kind}/${ref.name} key ${ref.key}`);
      env[variable.name] = value;
    } else if (field !== undefined) {
      const value = pod[field];
      if (value === undefined) throw new Error(`${variable.name}: no value given for field ${field}`);
      env[variable.name] = value;
    } else {
      throw new Error(`${variable.name}: a kind of value this reader does not know`);
    }
  }
  return env;
}

/** The container port an HTTP probe asks, its name resolved against the container's ports. */
export function probePort(container: IContainer, probe: IProbe | undefined): number | undefined {
  const port = probe?.httpGet?.port;
  if (typeof port === 'number') return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}
