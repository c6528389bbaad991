import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { IContainer, IPodSpec } from 'kubernetes-models/v1' with { 'resolution-mode': 'import' };
import { ConfigError, loadConfig, SETTING_NAMES } from '../../../src/config';
import {
  containersOf,
  danglingReferences,
  dataOf,
  find,
  imageProblems,
  imageTag,
  loadKustomization,
  loadManifests,
  manifestFiles,
  MANIFEST_DIR,
  modelFor,
  nameOf,
  podSpecOf,
  probePort,
  resolveEnv,
  unknownSettings,
  validateObject,
  type KubeObject,
} from '../../support/kubernetes-manifests';
import { fieldNameProblems } from '../../support/kubernetes-field-names';

const manifests = loadManifests();
const objects = manifests.map((m) => m.object);
/** Applied by hand, before `kubectl apply -k` (see kustomization.yaml). */
const APPLIED_APART = ['migrate-job.yaml', 'secret.example.yaml'];
const POD_INDEX_FIELD = "metadata.labels['apps.kubernetes.io/pod-index']";

function the(kind: string, name: string, among: KubeObject[] = objects): KubeObject {
  const object = find(among, kind, name);
  assert.ok(object, `the manifests define ${kind}/${name}`);
  return object;
}

function podOf(object: KubeObject): IPodSpec {
  const pod = podSpecOf(object);
  assert.ok(pod, `${nameOf(object)} has a pod template`);
  return pod;
}

function onlyContainer(object: KubeObject): IContainer {
  const containers = podOf(object).containers;
  assert.equal(containers.length, 1, `${nameOf(object)} runs one container`);
  return containers[0]!;
}

/** The downward-API fields of a workload's pod `ordinal` (a StatefulSet's, or any pod's name). */
function podFields(owner: KubeObject, ordinal: number): Record<string, string> {
  return { 'metadata.name': `${owner.metadata.name}-${ordinal}`, [POD_INDEX_FIELD]: String(ordinal) };
}

/** The manifests with the example Secret's placeholders replaced by values an operator would give. */
function withFilledInSecret(): KubeObject[] {
  const copy = structuredClone(objects);
  const secret = the('Secret', 'autohub-secrets', copy);
  secret.stringData = { ...(secret.stringData as Record<string, string>), AUTOHUB_SECRET_KEY: 'ab'.repeat(32) };
  return copy;
}

const api = the('Deployment', 'autohub-api');
const worker = the('StatefulSet', 'autohub-worker');
const config = the('ConfigMap', 'autohub-config');

describe('deploy/kubernetes manifests', () => {
  it('parse into objects, each with an apiVersion, a kind and a name, every file at least one', () => {
    const files = manifestFiles();
    assert.ok(files.length >= 10, `manifest files found: ${files.join(', ')}`);
    for (const file of files) assert.ok(manifests.some((m) => m.file === file), `${file} holds an object`);
    for (const { file, index, object } of manifests) {
      const where = `${file} document ${index}`;
      assert.equal(typeof object.apiVersion, 'string', `${where}: apiVersion`);
      assert.equal(typeof object.kind, 'string', `${where}: kind`);
      assert.equal(typeof object.metadata?.name, 'string', `${where}: metadata.name`);
    }
  });

  describe('against the Kubernetes object schemas (kubernetes-models)', () => {
    for (const { file, object } of manifests) {
      it(`${file}: ${nameOf(object)} is valid`, async () => {
        await validateObject(object);
      });
    }

    it('finds the model of each kind used and of no kind the Kubernetes API lacks', async () => {
      for (const [apiVersion, kind] of [
        ['v1', 'ConfigMap'],
        ['apps/v1', 'StatefulSet'],
        ['autoscaling/v2', 'HorizontalPodAutoscaler'],
        ['policy/v1', 'PodDisruptionBudget'],
        ['networking.k8s.io/v1', 'NetworkPolicy'],
      ] as const) {
        assert.equal((await modelFor(apiVersion, kind))?.kind, kind, `${apiVersion} ${kind}`);
      }
      assert.equal(await modelFor('apps/v1', 'Deploymnet'), undefined);
      assert.equal(await modelFor('apps/v1', 'DeploymentSpec'), undefined, 'a part of an object is not a kind');
      assert.equal(await modelFor('autoscaling/v9', 'HorizontalPodAutoscaler'), undefined);
      assert.equal(await modelFor('example.com/v1', 'Widget'), undefined);
      await assert.rejects(validateObject({ ...api, kind: 'Deploymnet' }), /unknown kind apps\/v1 Deploymnet/);
    });

    it('refuses a probe whose port is an object', async () => {
      const broken = structuredClone(api);
      onlyContainer(broken).readinessProbe!.httpGet!.port = { number: 3000 } as never;
      await validateObject(api);
      await assert.rejects(validateObject(broken), /readinessProbe\/httpGet\/port/);
    });

    it('refuses a Deployment without its selector and a container without its name', async () => {
      const noSelector = structuredClone(api);
      delete (noSelector.spec as { selector?: unknown }).selector;
      await assert.rejects(validateObject(noSelector), /selector/);
      const noName = structuredClone(worker);
      delete (onlyContainer(noName) as { name?: string }).name;
      await assert.rejects(validateObject(noName), /containers\/0.*name/);
    });
  });

  describe('field names', () => {
    it('names only fields the Kubernetes API knows', () => {
      assert.deepEqual(fieldNameProblems(manifests), []);
    });

    it('reports a misspelt field, which the schemas let through', async () => {
      const broken = structuredClone(manifests);
      const deployment = broken.find((m) => m.object.kind === 'Deployment')!.object;
      const container = onlyContainer(deployment) as IContainer & { readinesProbe?: unknown };
      container.readinesProbe = container.readinessProbe;
      delete container.readinessProbe;
      await validateObject(deployment);
      const problems = fieldNameProblems(broken);
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0]!, /^api-deployment\.yaml document 0 \(Deployment\/autohub-api\): .*'"readinesProbe"' does not exist/);
    });
  });

  it('kustomization.yaml lists every manifest but the Secret example and the migration Job', () => {
    const { resources } = loadKustomization();
    for (const file of resources) assert.ok(existsSync(path.join(MANIFEST_DIR, file)), `${file} exists`);
    for (const file of APPLIED_APART) assert.ok(manifestFiles().includes(file), `${file} exists`);
    assert.deepEqual([...resources, ...APPLIED_APART].sort(), manifestFiles());
  });

  describe('images', () => {
    it('pins every container to one release, the one kustomization.yaml names', () => {
      const containers = containersOf(objects);
      assert.ok(containers.length >= 3, 'the Job, the API and the workers have containers');
      assert.deepEqual(imageProblems(objects), []);
      const image = containers[0]!.container.image!;
      const [override] = loadKustomization().images;
      assert.equal(override?.name, image.slice(0, image.lastIndexOf(':')));
      assert.equal(override?.newTag, imageTag(image));
    });

    it('reports a container without an image, one on latest and one on another release', () => {
      // The schema itself lets `image` out (higher-level controllers may default it), so this
      // check is what catches a missing one.
      const missing = structuredClone(objects);
      delete onlyContainer(the('Deployment', 'autohub-api', missing)).image;
      assert.deepEqual(imageProblems(missing), ['Deployment/autohub-api container api: no image']);
      const latest = structuredClone(objects);
      onlyContainer(the('StatefulSet', 'autohub-worker', latest)).image = 'registry.example.com/autohub:latest';
      assert.ok(imageProblems(latest).includes('StatefulSet/autohub-worker container worker: image registry.example.com/autohub:latest is not pinned'));
      const drifted = structuredClone(objects);
      onlyContainer(the('Job', 'autohub-migrate', drifted)).image = 'registry.example.com/autohub:0.0.9';
      assert.match(imageProblems(drifted).join('\n'), /different images/);
    });
  });

  describe('the API', () => {
    const container = onlyContainer(api);
    const env = resolveEnv(withFilledInSecret(), container, podFields(api, 0));

    it('probes readiness on /readyz and liveness on /healthz at the port it listens on (PORT)', () => {
      const listening = loadConfig(env).port;
      assert.equal(container.readinessProbe?.httpGet?.path, '/readyz');
      assert.equal(container.livenessProbe?.httpGet?.path, '/healthz');
      assert.equal(probePort(container, container.readinessProbe), listening);
      assert.equal(probePort(container, container.livenessProbe), listening);
      assert.equal(probePort(container, container.startupProbe), listening);
      const service = the('Service', 'autohub-api');
      const target = (service.spec as { ports: Array<{ targetPort: string | number }> }).ports[0]!.targetPort;
      assert.equal(container.ports?.find((p) => p.name === target || p.containerPort === target)?.containerPort, listening);
    });

    it('leaves its replica count to an autoscaler on CPU that keeps at least 2', () => {
      const hpa = the('HorizontalPodAutoscaler', 'autohub-api');
      const spec = hpa.spec as { scaleTargetRef: { kind: string; name: string }; minReplicas: number; maxReplicas: number; metrics: Array<{ resource?: { name: string } }> };
      assert.deepEqual({ kind: spec.scaleTargetRef.kind, name: spec.scaleTargetRef.name }, { kind: 'Deployment', name: 'autohub-api' });
      assert.ok(spec.minReplicas >= 2 && spec.maxReplicas > spec.minReplicas);
      assert.deepEqual(spec.metrics.map((m) => m.resource?.name), ['cpu']);
      assert.equal((api.spec as { replicas?: number }).replicas, undefined, 'a fixed count would undo the autoscaler at each apply');
      assert.ok(container.resources?.requests?.cpu, 'CPU utilisation is relative to the request');
      assert.equal((the('PodDisruptionBudget', 'autohub-api').spec as { minAvailable?: number }).minAvailable, 1, 'a drain leaves one pod answering');
    });

    it('asks Prometheus to scrape /metrics on its port', () => {
      const annotations = (api.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations;
      assert.deepEqual(
        [annotations['prometheus.io/scrape'], annotations['prometheus.io/port'], annotations['prometheus.io/path']],
        ['true', String(loadConfig(env).port), '/metrics'],
      );
    });
  });

  describe('the workers', () => {
    const container = onlyContainer(worker);
    const replicas = (worker.spec as { replicas: number }).replicas;
    const filledIn = withFilledInSecret();

    it('are as many as SESSION_SHARDS', () => {
      assert.ok(replicas >= 1);
      assert.equal(resolveEnv(filledIn, container, podFields(worker, 0)).SESSION_SHARDS, String(replicas));
      assert.equal(dataOf(config).SESSION_SHARDS, String(replicas));
    });

    it('serve the shard of their pod index, one each, and refuse an index past SESSION_SHARDS', () => {
      const shards = container.env?.find((e) => e.name === 'WORKER_SHARDS');
      assert.equal(shards?.valueFrom?.fieldRef?.fieldPath, POD_INDEX_FIELD);
      const served = Array.from({ length: replicas }, (_, ordinal) => loadConfig(resolveEnv(filledIn, container, podFields(worker, ordinal))).workerShards);
      assert.deepEqual(served, Array.from({ length: replicas }, (_, shard) => [shard]));
      assert.throws(() => loadConfig(resolveEnv(filledIn, container, podFields(worker, replicas))), /WORKER_SHARDS/);
    });

    it('probe /readyz and /healthz on WORKER_HTTP_PORT', () => {
      const settings = loadConfig(resolveEnv(filledIn, container, podFields(worker, 0)));
      assert.ok(settings.workerHttpPort, 'WORKER_HTTP_PORT is set');
      assert.equal(container.readinessProbe?.httpGet?.path, '/readyz');
      assert.equal(container.livenessProbe?.httpGet?.path, '/healthz');
      assert.equal(probePort(container, container.readinessProbe), settings.workerHttpPort);
      assert.equal(probePort(container, container.livenessProbe), settings.workerHttpPort);
      const annotations = (worker.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations;
      assert.equal(annotations['prometheus.io/port'], String(settings.workerHttpPort));
    });

    it('are given more time to stop than their drain (WORKER_SHUTDOWN_GRACE_SECONDS)', () => {
      const grace = loadConfig(resolveEnv(filledIn, container, podFields(worker, 0))).workerShutdownGraceSeconds;
      assert.ok(grace > 0);
      assert.ok((podOf(worker).terminationGracePeriodSeconds ?? 30) > grace, `terminationGracePeriodSeconds > ${grace}`);
    });

    it('are named by a headless Service and owned by their stable pod names', () => {
      const service = the('Service', (worker.spec as { serviceName: string }).serviceName);
      assert.equal((service.spec as { clusterIP?: string }).clusterIP, 'None');
      assert.equal(container.env?.find((e) => e.name === 'WORKER_ID')?.valueFrom?.fieldRef?.fieldPath, 'metadata.name');
    });
  });

  describe('settings', () => {
    it('sets only variables src/config.ts reads', () => {
      assert.ok(SETTING_NAMES.includes('SESSION_SHARDS') && SETTING_NAMES.length > 40);
      const containers = containersOf(objects);
      assert.ok(containers.every(({ container }) => (container.env ?? []).length > 0));
      assert.deepEqual(unknownSettings(objects, SETTING_NAMES), []);
      const misspelt = structuredClone(objects);
      onlyContainer(the('Deployment', 'autohub-api', misspelt)).env!.push({ name: 'WORKER_SHARD', value: '0' });
      (the('ConfigMap', 'autohub-config', misspelt).data as Record<string, string>).TEMPORAL_ADRESS = 'x:7233';
      const problems = unknownSettings(misspelt, SETTING_NAMES);
      assert.ok(problems.includes('Deployment/autohub-api container api sets WORKER_SHARD, which src/config.ts does not read'), problems.join('\n'));
      assert.ok(problems.some((p) => p.endsWith('sets TEMPORAL_ADRESS, which src/config.ts does not read')), problems.join('\n'));
    });

    it('takes every secret and shared setting from a Secret or ConfigMap key that exists', () => {
      const refs = containersOf(objects).flatMap(({ container }) => container.env ?? []).filter((e) => e.valueFrom?.secretKeyRef);
      assert.ok(refs.length >= 5, 'secrets come from the Secret');
      assert.deepEqual(danglingReferences(objects), []);
      const broken = structuredClone(objects);
      const secret = the('Secret', 'autohub-secrets', broken);
      delete (secret.stringData as Record<string, string>).METRICS_TOKEN;
      onlyContainer(the('Job', 'autohub-migrate', broken)).envFrom = [{ configMapRef: { name: 'autohub-settings' } }];
      const problems = danglingReferences(broken);
      assert.ok(problems.includes('Deployment/autohub-api container api: METRICS_TOKEN refers to key METRICS_TOKEN, which Secret/autohub-secrets lacks'), problems.join('\n'));
      assert.ok(problems.includes('Job/autohub-migrate container migrate: envFrom ConfigMap/autohub-settings, which no manifest defines'), problems.join('\n'));
    });

    it('gives every container an environment loadConfig accepts once the example Secret is filled in', () => {
      const filledIn = withFilledInSecret();
      const containers = containersOf(filledIn);
      assert.ok(containers.length >= 3);
      for (const { owner, container } of containers) {
        const settings = loadConfig(resolveEnv(filledIn, container, podFields(owner, 0)));
        assert.equal(settings.databaseUrl, dataOf(the('Secret', 'autohub-secrets')).DATABASE_URL, `${nameOf(owner)}: the managed PostgreSQL`);
        if (owner.kind === 'Job') continue;
        assert.equal(settings.temporal.address, dataOf(config).TEMPORAL_ADDRESS, `${nameOf(owner)}: the external Temporal`);
        assert.equal(settings.sandbox, false, `${nameOf(owner)}: no sandbox in production`);
      }
    });

    it('cannot start on the example Secret as shipped, naming AUTOHUB_SECRET_KEY', () => {
      const env = resolveEnv(objects, onlyContainer(api), podFields(api, 0));
      assert.throws(
        () => loadConfig(env),
        (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.startsWith('AUTOHUB_SECRET_KEY')),
      );
    });

    it('run every pod as uid 1000 on a read-only root filesystem, with AUTOHUB_HOME and /tmp writable', () => {
      const workloads = objects.filter((o) => podSpecOf(o));
      assert.deepEqual(workloads.map(nameOf).sort(), ['Deployment/autohub-api', 'Job/autohub-migrate', 'StatefulSet/autohub-worker']);
      for (const owner of workloads) {
        const pod = podOf(owner);
        assert.equal(pod.securityContext?.runAsNonRoot, true, nameOf(owner));
        assert.equal(pod.securityContext?.runAsUser, 1000, nameOf(owner));
        assert.equal(pod.automountServiceAccountToken, false, nameOf(owner));
        const emptyDirs = new Set((pod.volumes ?? []).filter((v) => v.emptyDir).map((v) => v.name));
        for (const container of pod.containers) {
          const where = `${nameOf(owner)} container ${container.name}`;
          assert.equal(container.securityContext?.readOnlyRootFilesystem, true, where);
          assert.equal(container.securityContext?.allowPrivilegeEscalation, false, where);
          const writable = (container.volumeMounts ?? []).filter((m) => emptyDirs.has(m.name)).map((m) => m.mountPath);
          assert.ok(writable.includes('/tmp'), `${where}: /tmp is writable`);
          const home = resolveEnv(withFilledInSecret(), container, podFields(owner, 0)).AUTOHUB_HOME;
          if (home !== undefined) assert.ok(writable.includes(home), `${where}: AUTOHUB_HOME ${home} is writable`);
        }
      }
    });
  });
});
