import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { API_ROLE_SETTINGS, loadConfig, SHARED_ROLE_SETTINGS, WORKER_ROLE_SETTINGS } from '../../../src/config';
import { SEARCH_ATTRIBUTE_NAMES } from '../../../src/temporal/search-attributes';
import { nonEmpty } from '../../support/assertions';
import {
  COMPOSE_FILE,
  composeBinary,
  dependenciesOf,
  environmentOf,
  imageTag,
  MissingVariableError,
  readComposeFile,
  REPO_ROOT,
  STAND_IN_KEYS,
  type ComposeFile,
  type ComposeService,
} from '../../support/compose-file';
import { argsOf, copiedFrom, parseDockerfile, type Stage } from '../../support/dockerfile';

const packageVersion = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const compose = (): ComposeFile => readComposeFile(STAND_IN_KEYS);

/** The one-shots: services another waits for to complete, rather than to be healthy or started. */
function oneShots(file: ComposeFile): string[] {
  return Object.values(file.services).flatMap((service) =>
    Object.entries(dependenciesOf(service))
      .filter(([, condition]) => condition === 'service_completed_successfully')
      .map(([name]) => name),
  );
}

/** AutoHub's own services, by role (the CLI command each runs). */
function autohubServices(file: ComposeFile): Array<{ name: string; role: string; service: ComposeService }> {
  return Object.entries(file.services)
    .filter(([, service]) => service.build !== undefined)
    .map(([name, service]) => ({ name, role: service.command?.[0] ?? 'api', service }));
}

const healthcheckText = (service: ComposeService) => [service.healthcheck?.test ?? []].flat().join(' ');

/** The Dockerfile's stages, and what its final stage sets. */
const Dockerfile = {
  stages: (): Stage[] => parseDockerfile(readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8')),
  final(): Stage {
    return this.stages().at(-1)!;
  },
  finalEnv(): Record<string, string> {
    return Object.fromEntries(
      argsOf(this.final(), 'ENV').flatMap((args) => [...args.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!])),
    );
  },
};

describe('docker-compose.yml', () => {
  it('pins every image to a version tag, AutoHub’s own to the package version', () => {
    const services = Object.entries(compose().services);
    for (const [name, service] of nonEmpty(services, 'the services')) {
      assert.ok(service.image, `${name} names its image (a build alone gets an unnamed, untagged image)`);
      const { repository, tag } = imageTag(service.image);
      assert.ok(tag, `${name}'s image ${service.image} has a tag`);
      assert.notEqual(tag, 'latest', `${name}'s image is not :latest`);
      assert.match(tag, /^v?\d+(\.\d+)+(-[\w.]+)?$/, `${name}'s tag ${tag} names a version, not a moving major`);
      if (service.build !== undefined) assert.deepEqual([repository, tag], ['autohub', packageVersion], `${name} runs this version's image`);
    }
  });

  it('gives every long-running service a health check and a restart policy, and runs the one-shots once', () => {
    const file = compose();
    const once = new Set(nonEmpty(oneShots(file), 'the one-shots'));
    const longRunning = Object.entries(file.services).filter(([name]) => !once.has(name));
    for (const [name, service] of nonEmpty(longRunning, 'the long-running services')) {
      assert.ok(!service.healthcheck?.disable && healthcheckText(service).length > 0, `${name} has a health check`);
      assert.ok(['unless-stopped', 'always'].includes(service.restart ?? ''), `${name} restarts after a crash or reboot (restart: ${service.restart})`);
    }
    for (const name of once) assert.equal(file.services[name]?.restart, 'no', `${name} runs once per up`);
    for (const [name, service] of Object.entries(file.services)) {
      for (const [dependency, condition] of Object.entries(dependenciesOf(service))) {
        assert.ok(file.services[dependency], `${name} depends on ${dependency}, which exists`);
        if (condition === 'service_healthy') assert.ok(healthcheckText(file.services[dependency]!), `${dependency}, awaited healthy by ${name}, has a health check`);
      }
    }
  });

  it('gives each AutoHub service the settings its role needs, the shared ones alike', () => {
    const services = nonEmpty(autohubServices(compose()), "AutoHub's services");
    assert.deepEqual([...new Set(services.map((s) => s.role))].sort(), ['api', 'migrate', 'worker']);
    const shared = (env: Record<string, string>) => SHARED_ROLE_SETTINGS.map((name) => env[name]);
    const first = environmentOf(services[0]!.service);
    for (const { name, role, service } of services) {
      const env = environmentOf(service);
      const needed = [...SHARED_ROLE_SETTINGS, ...(role === 'api' ? API_ROLE_SETTINGS : []), ...(role === 'worker' ? WORKER_ROLE_SETTINGS : [])];
      for (const setting of needed) assert.ok(env[setting], `${name} (${role}) is given ${setting}`);
      assert.deepEqual(shared(env), shared(first), `${name} shares ${SHARED_ROLE_SETTINGS.join(', ')} with the others`);
      const config = loadConfig(env);
      if (role === 'api') assert.match(healthcheckText(service), new RegExp(`127\\.0\\.0\\.1:${config.port}/readyz`), `${name}'s health check asks its /readyz`);
      if (role === 'worker') assert.match(healthcheckText(service), new RegExp(`127\\.0\\.0\\.1:${config.workerHttpPort}/readyz`), `${name}'s health check asks its probes' /readyz`);
    }
  });

  it('runs two or more workers on distinct shards that together cover every shard', () => {
    const workers = autohubServices(compose()).filter((s) => s.role === 'worker');
    assert.ok(workers.length >= 2, `${workers.length} workers`);
    const served = workers.map(({ name, service }) => {
      const config = loadConfig(environmentOf(service));
      const graceSeconds = Number.parseInt(service.stop_grace_period ?? '10s', 10);
      assert.ok(graceSeconds > config.workerShutdownGraceSeconds, `${name} is given more than its drain time to stop (${service.stop_grace_period})`);
      return { name, shards: config.workerShards, total: config.sessionShards };
    });
    const all = served.flatMap((w) => w.shards);
    assert.equal(new Set(all).size, all.length, `no shard served twice: ${JSON.stringify(served)}`);
    const total = served[0]!.total;
    assert.deepEqual([...all].sort((a, b) => a - b), Array.from({ length: total }, (_, i) => i), `shards 0..${total - 1} all served`);
  });

  it('refuses to start without the admin and secret keys from .env', () => {
    assert.throws(() => readComposeFile({ AUTOHUB_SECRET_KEY: STAND_IN_KEYS.AUTOHUB_SECRET_KEY }), (err: unknown) => err instanceof MissingVariableError && err.variable === 'AUTOHUB_ADMIN_KEY');
    assert.throws(() => readComposeFile({ AUTOHUB_ADMIN_KEY: STAND_IN_KEYS.AUTOHUB_ADMIN_KEY }), (err: unknown) => err instanceof MissingVariableError && err.variable === 'AUTOHUB_SECRET_KEY');
  });

  it('sets up Temporal on PostgreSQL before the server starts, and its namespace and AutoHub’s search attributes before AutoHub does', () => {
    const { services } = compose();
    const server = services.temporal!;
    const schema = services['temporal-schema']!;
    const namespace = services['temporal-namespace']!;
    assert.equal(imageTag(server.image!).repository, 'temporalio/server', 'the server image, not the deprecated auto-setup');
    assert.equal(dependenciesOf(server)['temporal-schema'], 'service_completed_successfully');
    for (const name of ['DBNAME', 'VISIBILITY_DBNAME']) assert.equal(environmentOf(schema)[name], environmentOf(server)[name], `schema and server agree on ${name}`);
    assert.equal(imageTag(schema.image!).tag, imageTag(server.image!).tag, 'the schema comes from the admin-tools of the server version');
    const env = environmentOf(namespace);
    assert.deepEqual(env.AUTOHUB_SEARCH_ATTRIBUTES?.split(/\s+/).sort(), [...SEARCH_ATTRIBUTE_NAMES].sort());
    for (const { name, service } of nonEmpty(autohubServices({ services }).filter((s) => s.role !== 'migrate'), 'the API and workers')) {
      assert.equal(dependenciesOf(service)['temporal-namespace'], 'service_completed_successfully', `${name} waits for the namespace`);
      assert.equal(dependenciesOf(service).migrate, 'service_completed_successfully', `${name} waits for the migrations`);
      assert.equal(environmentOf(service).TEMPORAL_NAMESPACE, env.TEMPORAL_NAMESPACE, `${name} uses the namespace set up`);
    }
  });

  it('mounts only files that exist here, and AUTOHUB_HOME on a named volume', () => {
    const file = compose();
    const binds = Object.values(file.services).flatMap((s) => s.volumes ?? []).filter((v) => v.startsWith('.'));
    for (const bind of nonEmpty(binds, 'the bind mounts')) assert.ok(existsSync(path.join(REPO_ROOT, bind.split(':')[0]!)), `${bind} exists`);
    for (const [name, service] of Object.entries(file.services)) {
      for (const script of (service.entrypoint ?? []).filter((arg) => arg.endsWith('.sh'))) {
        const mount = (service.volumes ?? []).map((v) => v.split(':')).find(([, target]) => script.startsWith(`${target}/`));
        assert.ok(mount, `${name} mounts the directory of ${script}`);
      }
    }
    const api = file.services.api!;
    const home = Dockerfile.finalEnv().AUTOHUB_HOME;
    assert.ok(home, 'the image sets AUTOHUB_HOME');
    const volume = (api.volumes ?? []).map((v) => v.split(':')).find(([, target]) => target === home);
    assert.ok(volume && volume[0]! in (file.volumes ?? {}), `the API keeps ${home} on a named volume`);
  });

  describe('with Docker Compose v2', function () {
    const binary = composeBinary();
    const run = (args: string[], cwd = REPO_ROOT, extra: Record<string, string> = STAND_IN_KEYS) => {
      // An empty env file: a developer's own .env must not decide the outcome.
      const envFile = path.join(scratch, 'empty.env');
      writeFileSync(envFile, '');
      return spawnSync(binary!, ['--env-file', envFile, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, ...extra } });
    };
    let scratch: string;
    before(function () {
      if (!binary) this.skip();
      scratch = mkdtempSync(path.join(tmpdir(), 'autohub-compose-'));
    });
    after(() => scratch && rmSync(scratch, { recursive: true, force: true }));

    it('validates the file against the Compose specification', () => {
      const result = run(['-f', COMPOSE_FILE, 'config', '-q']);
      assert.equal(result.status, 0, result.stderr);
    });

    it('refuses a copy with a key the specification does not know, and one without the keys', () => {
      const broken = parse(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as ComposeFile;
      (broken.services.api as Record<string, unknown>).restart_policy = 'always';
      const copy = path.join(scratch, 'docker-compose.yml');
      writeFileSync(copy, stringify(broken));
      const result = run(['--project-directory', REPO_ROOT, '-f', copy, 'config', '-q']);
      assert.notEqual(result.status, 0);
      assert.match(result.stderr, /restart_policy/);
      // One key at a time: with both missing, Compose names whichever it meets first.
      for (const [given, missing] of [['AUTOHUB_SECRET_KEY', 'AUTOHUB_ADMIN_KEY'], ['AUTOHUB_ADMIN_KEY', 'AUTOHUB_SECRET_KEY']] as const) {
        const keyless = run(['-f', COMPOSE_FILE, 'config', '-q'], REPO_ROOT, { [given]: STAND_IN_KEYS[given] });
        assert.notEqual(keyless.status, 0);
        assert.match(keyless.stderr, new RegExp(missing));
      }
    });

    it('resolves the environments this test reads the same way', () => {
      const result = run(['-f', COMPOSE_FILE, 'config', '--format', 'json']);
      assert.equal(result.status, 0, result.stderr);
      const resolved = JSON.parse(result.stdout) as ComposeFile;
      const ours = compose();
      for (const name of nonEmpty(Object.keys(ours.services), 'the services')) {
        assert.deepEqual(environmentOf(resolved.services[name]!), environmentOf(ours.services[name]!), `${name}'s environment`);
      }
    });
  });
});

describe('Dockerfile', () => {
  it('builds in named stages from a pinned Node image', () => {
    const stages = Dockerfile.stages();
    assert.ok(stages.length >= 3, `${stages.length} stages`);
    for (const stage of stages) {
      assert.ok(stage.name, `FROM ${stage.image} is named (AS …)`);
      const { tag } = imageTag(stage.image);
      assert.match(tag ?? '', /^\d+\.\d+\.\d+-/, `${stage.name} starts from a pinned version (${stage.image})`);
    }
  });

  it('runs node on the built JavaScript as an unprivileged user, with a health check', () => {
    const final = Dockerfile.final();
    const user = argsOf(final, 'USER').at(-1);
    assert.ok(user && !['root', '0'].includes(user.split(':')[0]!), `the last USER is not root (${user})`);
    const healthcheck = argsOf(final, 'HEALTHCHECK').at(-1) ?? '';
    assert.match(healthcheck, /CMD .*\/healthz/, 'HEALTHCHECK asks /healthz');
    const entrypoint = JSON.parse(argsOf(final, 'ENTRYPOINT').at(-1) ?? 'null') as string[] | null;
    assert.ok(Array.isArray(entrypoint), 'ENTRYPOINT in exec form');
    assert.equal(entrypoint[0], 'node');
    assert.match(entrypoint[1] ?? '', /^dist\/.*\.js$/, 'on the built JavaScript');
    assert.ok(!entrypoint.some((arg) => arg.includes('tsx')), 'not through tsx');
    assert.ok(existsSync(path.join(REPO_ROOT, entrypoint[1]!.replace(/^dist\//, '').replace(/\.js$/, '.ts'))), `${entrypoint[1]} is built from a source file`);
  });

  it('takes node_modules from a stage that installed the production dependencies only, and dist from the build', () => {
    const stages = Dockerfile.stages();
    const final = Dockerfile.final();
    const [depsName] = nonEmpty(copiedFrom(final, '/app/node_modules'), 'the stage node_modules comes from');
    const deps = stages.find((s) => s.name === depsName)!;
    assert.ok(argsOf(deps, 'RUN').some((run) => /\bnpm ci\b.*--omit=dev/.test(run)), `${depsName} runs npm ci --omit=dev`);
    const [buildName] = nonEmpty(copiedFrom(final, '/app/dist'), 'the stage dist comes from');
    assert.notEqual(buildName, depsName);
    const build = stages.find((s) => s.name === buildName)!;
    const runs = argsOf(build, 'RUN');
    assert.ok(runs.some((run) => /\bnpm ci\b/.test(run) && !run.includes('--omit=dev')), `${buildName} installs the dev dependencies`);
    assert.ok(runs.some((run) => run.includes('npm run build')), `${buildName} builds`);
  });

  it('makes AUTOHUB_HOME owned by the user it runs as', () => {
    const home = Dockerfile.finalEnv().AUTOHUB_HOME;
    assert.ok(home, 'AUTOHUB_HOME is set');
    const user = argsOf(Dockerfile.final(), 'USER').at(-1)!;
    assert.ok(argsOf(Dockerfile.final(), 'RUN').some((run) => run.includes(`chown`) && run.includes(`${user}:`) && run.includes(home)), `${home} is chowned to ${user}`);
  });
});
