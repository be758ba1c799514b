// The deployment descriptors, checked statically: every YAML file parses; Kubernetes workloads
// have probes, limits and a non-root security context (and overlays cannot take them away);
// kustomizations list only existing files; every container of the services, init containers
// too, reads AUTH_JWT_SECRET from a Secret that secrets.example.yaml shows (production refuses the
// development key); compose services are health-checked, wait for healthy dependencies, require
// AUTH_JWT_SECRET from the host and build each service from docker/service.Dockerfile with its APP
// and PORT; that one Dockerfile is multi-stage, node:22-slim and non-root, scopes its build arguments
// per stage and rejects a missing or unknown APP or PORT (its guard and its start command are run
// through /bin/sh). The last block proves the checkers fail on broken manifests, so a green run
// means something.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import {
  argGuards,
  checkArgScopes,
  checkCompose,
  checkComposeRequiredEnv,
  checkDockerfile,
  checkRequiredArg,
  checkSharedImageBuilds,
  checkJsonPatch,
  checkKustomization,
  checkSecretEnv,
  checkSecretRefsDocumented,
  checkWorkload,
  checkWorkloadPatch,
  declaredArgs,
  dict,
  dictAt,
  dockerStages,
  execForm,
  finalStage,
  findRepoRoot,
  inlinePatches,
  isDict,
  isWorkload,
  kustomizationRefs,
  list,
  listFiles,
  listYamlFiles,
  parseDockerfile,
  parseQuantity,
  parseYaml,
  pathGet,
  secretKeyRefs,
  text,
  type Dict,
  type DockerInstruction,
  type DockerStage,
} from './deploy-checks.ts';
import { SERVICE_MEMORY } from '../dev/config.ts';

const root = findRepoRoot(process.cwd());
const APPS = [
  { app: 'intake', port: 3001 },
  { app: 'routing', port: 3002 },
  { app: 'sla', port: 3003 },
] as const;

const DOCKERFILE = 'docker/service.Dockerfile';

/** Configuration a production service refuses to default: each deployment must supply it. */
const REQUIRED_SECRETS = ['AUTH_JWT_SECRET'] as const;
/** Intake's keys of callers' personal data at rest, refused in production when left to default. */
const INTAKE_PII_SECRETS = ['PII_ENCRYPTION_KEYS', 'PII_ACTIVE_KEY_ID', 'PII_HASH_KEY'] as const;
const SECRETS_EXAMPLE = 'k8s/base/secrets.example.yaml';

/** A RUN's shell script: its arguments without the leading --mount/--network flags. */
const runScript = (run: DockerInstruction): string => run.args.replace(/^(--\S+\s+)*/, '');

/** Build arguments the APP/PORT guard must accept (ok) or reject with a message naming the problem. */
const GUARD_CASES: ReadonlyArray<{ vars: Record<string, string>; ok: boolean; message?: string }> = [
  ...APPS.map(({ app, port }) => ({ vars: { APP: app, PORT: String(port) }, ok: true })),
  { vars: { PORT: '3001' }, ok: false, message: 'APP is required' },
  { vars: { APP: '', PORT: '3001' }, ok: false, message: 'APP is required' },
  { vars: { APP: 'billing', PORT: '3001' }, ok: false, message: 'APP=billing is not an app' },
  { vars: { APP: 'Intake', PORT: '3001' }, ok: false, message: 'is not an app' },
  { vars: { APP: 'intake sla', PORT: '3001' }, ok: false, message: 'is not an app' },
  { vars: { APP: '../intake', PORT: '3001' }, ok: false, message: 'is not an app' },
  { vars: { APP: 'intake' }, ok: false, message: 'PORT is required' },
  { vars: { APP: 'intake', PORT: '' }, ok: false, message: 'PORT is required' },
  ...['http', '0', '03001', '-1', '3001 ', '65536', '99999999999999999999'].map((port) => ({
    vars: { APP: 'intake', PORT: port },
    ok: false,
    message: 'is not a port',
  })),
];

/**
 * Runs each guard of APP and PORT through /bin/sh (with no PATH: a guard needs only the shell's
 * builtins, and nothing else can run) on every GUARD_CASES entry; returns what went wrong.
 */
function guardMismatches(dockerfile: string): string[] {
  const guards = new Map(
    [...argGuards(dockerfile, 'APP'), ...argGuards(dockerfile, 'PORT')].map((g) => [g.run.line, g.run]),
  );
  if (guards.size === 0) return ['no guard'];
  const cwd = mkdtempSync(join(tmpdir(), 'jsjb-guard-'));
  try {
    return [...guards.values()].flatMap((guard) =>
      GUARD_CASES.flatMap(({ vars, ok, message }) => {
        const result = spawnSync('/bin/sh', ['-c', runScript(guard)], {
          cwd,
          env: { PATH: '/nonexistent', ...vars },
          encoding: 'utf8',
          timeout: 10_000,
        });
        const passed = result.status === 0;
        const label = `line ${guard.line} with ${JSON.stringify(vars)}`;
        if (passed !== ok) return [`${label}: ${passed ? 'passed' : `failed (${result.stderr.trim()})`}`];
        if (message !== undefined && !result.stderr.includes(message))
          return [`${label}: stderr ${JSON.stringify(result.stderr)} does not say "${message}"`];
        return [];
      }),
    );
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** `docker run IMAGE <args>`: arguments that must reach main.js unchanged (no splitting, no globbing). */
const RUN_ARGS: ReadonlyArray<readonly string[]> = [[], ['migrate'], ['migrate', 'two words', '$HOME', '*']];

/**
 * Runs the final stage's ENTRYPOINT + CMD (or `docker run` arguments, which replace CMD) as the
 * container would, with APP set as the image sets it and a stand-in `node` that reports its PID
 * and arguments. node must get `apps/<app>/dist/main.js <args>` and the process's own PID (PID 1
 * in a container: exec, no shell left in between).
 */
function startCommandMismatches(dockerfile: string): string[] {
  const last = finalStage(parseDockerfile(dockerfile));
  const entrypoint = execForm(last.filter((i) => i.keyword === 'ENTRYPOINT').pop()?.args ?? '');
  const cmd = execForm(last.filter((i) => i.keyword === 'CMD').pop()?.args ?? '');
  if (!entrypoint || !cmd) return ['ENTRYPOINT and CMD must both be exec form (JSON arrays)'];
  const dir = mkdtempSync(join(tmpdir(), 'jsjb-entrypoint-'));
  try {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'node'), '#!/bin/sh\nprintf \'%s\\0\' "$$" "$@"\n', { mode: 0o755 });
    writeFileSync(join(dir, 'glob-bait'), '');
    return APPS.flatMap(({ app }) =>
      RUN_ARGS.flatMap((args) => {
        const command = [...entrypoint, ...(args.length > 0 ? args : cmd)];
        const result = spawnSync(command[0] ?? '', command.slice(1), {
          cwd: dir,
          env: { APP: app, PATH: bin, HOME: '/home/node' },
          encoding: 'utf8',
          timeout: 10_000,
        });
        const [pid, ...argv] = result.stdout.split('\0').slice(0, -1);
        const expected = [`apps/${app}/dist/main.js`, ...args];
        const label = `APP=${app} docker run IMAGE ${JSON.stringify(args)}`;
        if (result.status !== 0) return [`${label}: exit ${String(result.status)} ${result.stderr}`];
        const problems: string[] = [];
        if (JSON.stringify(argv) !== JSON.stringify(expected))
          problems.push(`${label}: node got ${JSON.stringify(argv)}, expected ${JSON.stringify(expected)}`);
        if (pid !== String(result.pid)) problems.push(`${label}: node is not the container's first process`);
        return problems;
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const read = (file: string): string => readFileSync(join(root, file), 'utf8');
const posix = (file: string): string => file.split(sep).join('/');

/** Parsed documents of a repository YAML file (throws on parse errors: the first block reports those). */
const documentsCache = new Map<string, unknown[]>();
function documentsOf(file: string): unknown[] {
  const cached = documentsCache.get(file);
  if (cached) return cached;
  const parsed = parseYaml(read(file), file);
  if (parsed.errors.length > 0) throw new Error(parsed.errors.join('\n'));
  documentsCache.set(file, parsed.documents);
  return parsed.documents;
}

const yamlFiles = listYamlFiles(root);
const k8sFiles = yamlFiles.filter((file) => file.startsWith('k8s/'));
const kustomizationFiles = k8sFiles.filter((file) => /(^|\/)kustomization\.ya?ml$/.test(file));
const exampleFiles = k8sFiles.filter((file) => /\.example\.ya?ml$/.test(file));

/** Repo-relative files a kustomization refers to, by the role it gives them. */
function referencedFiles(kustomizationFile: string): {
  resources: string[];
  patches: string[];
  all: string[];
} {
  const dir = dirname(join(root, kustomizationFile));
  const resources: string[] = [];
  const patches: string[] = [];
  const all: string[] = [];
  for (const ref of kustomizationRefs(documentsOf(kustomizationFile)[0])) {
    const file = posix(relative(root, resolve(dir, ref.path)));
    all.push(file);
    if (ref.field === 'resources' || ref.field === 'bases') resources.push(file);
    if (ref.field.startsWith('patches')) patches.push(file);
  }
  return { resources, patches, all };
}

function baseDocument(kind: string, name: string): Dict {
  for (const file of referencedFiles('k8s/base/kustomization.yaml').resources) {
    if (!/\.ya?ml$/.test(file)) continue;
    for (const doc of documentsOf(file)) {
      if (isDict(doc) && doc.kind === kind && pathGet(doc, 'metadata', 'name') === name) return doc;
    }
  }
  throw new Error(`k8s/base has no ${kind}/${name}`);
}

/** The workloads the base kustomization lists, with their files. */
function baseWorkloads(): Array<{ file: string; doc: Dict }> {
  return referencedFiles('k8s/base/kustomization.yaml')
    .resources.filter((file) => /\.ya?ml$/.test(file))
    .flatMap((file) => documentsOf(file).map((doc) => ({ file, doc })))
    .filter((entry): entry is { file: string; doc: Dict } => isWorkload(entry.doc));
}

function configLiterals(kustomizationFile: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const generator of list(pathGet(documentsOf(kustomizationFile)[0], 'configMapGenerator'))) {
    if (pathGet(generator, 'name') !== 'jsjb-config') continue;
    for (const literal of list(pathGet(generator, 'literals'))) {
      const entry = text(literal) ?? '';
      const eq = entry.indexOf('=');
      if (eq > 0) values.set(entry.slice(0, eq), entry.slice(eq + 1));
    }
  }
  return values;
}

function envValue(container: unknown, name: string): unknown {
  const entry = list(pathGet(container, 'env')).find((item) => pathGet(item, 'name') === name);
  return pathGet(entry, 'value') ?? pathGet(entry, 'valueFrom');
}

describe('YAML files', () => {
  it('include the deployment manifests', () => {
    expect(yamlFiles).toEqual(
      expect.arrayContaining([
        'docker-compose.yml',
        'k8s/base/kustomization.yaml',
        'k8s/overlays/dev/kustomization.yaml',
      ]),
    );
  });

  it.each(yamlFiles)('%s parses', (file) => {
    expect(parseYaml(read(file), file).errors).toEqual([]);
  });
});

describe('k8s/', () => {
  it('has a base and dev and prod overlays built on it', () => {
    expect(kustomizationFiles).toEqual(
      expect.arrayContaining([
        'k8s/base/kustomization.yaml',
        'k8s/overlays/dev/kustomization.yaml',
        'k8s/overlays/prod/kustomization.yaml',
      ]),
    );
    for (const overlay of ['dev', 'prod']) {
      expect(referencedFiles(`k8s/overlays/${overlay}/kustomization.yaml`).resources).toContain('k8s/base');
    }
  });

  it.each(kustomizationFiles)('%s lists only existing files and KEY=value generator literals', (file) => {
    const [kustomization] = documentsOf(file);
    expect(checkKustomization(kustomization, join(root, file))).toEqual([]);
  });

  it('has no manifest that no kustomization lists (except *.example.yaml)', () => {
    const listed = new Set(kustomizationFiles.flatMap((file) => referencedFiles(file).all));
    const orphans = k8sFiles.filter(
      (file) => !kustomizationFiles.includes(file) && !exampleFiles.includes(file) && !listed.has(file),
    );
    expect(orphans).toEqual([]);
  });

  it('commits no Secret (only *.example.yaml files may show one)', () => {
    const secrets = k8sFiles
      .filter((file) => !exampleFiles.includes(file))
      .filter((file) => documentsOf(file).some((doc) => pathGet(doc, 'kind') === 'Secret'));
    expect(secrets).toEqual([]);
    for (const file of kustomizationFiles) {
      expect(referencedFiles(file).all.filter((ref) => exampleFiles.includes(ref))).toEqual([]);
    }
  });

  it('every workload (all k8s/ files but patches) has probes, requests and limits, and a non-root security context', () => {
    const patchFiles = new Set(kustomizationFiles.flatMap((file) => referencedFiles(file).patches));
    const workloads = k8sFiles
      .filter((file) => !patchFiles.has(file))
      .flatMap((file) => documentsOf(file).map((doc) => ({ file, doc })))
      .filter(({ doc }) => isWorkload(doc));
    expect(workloads.map(({ doc }) => pathGet(doc, 'metadata', 'name'))).toEqual(
      expect.arrayContaining(APPS.map(({ app }) => app)),
    );
    expect(workloads.flatMap(({ file, doc }) => checkWorkload(doc, file))).toEqual([]);
  });

  it('no patch (file or inline) removes or weakens probes, limits or the security context', () => {
    const problems: string[] = [];
    let patchCount = 0;
    for (const file of kustomizationFiles) {
      for (const patchFile of referencedFiles(file).patches) {
        for (const doc of documentsOf(patchFile)) {
          patchCount += 1;
          problems.push(...checkWorkloadPatch(doc, patchFile));
        }
      }
      inlinePatches(documentsOf(file)[0]).forEach((patch, index) => {
        const parsed = parseYaml(patch.source, `${file} ${patch.field} inline #${index}`);
        problems.push(...parsed.errors);
        for (const doc of parsed.documents) {
          patchCount += 1;
          problems.push(...checkWorkloadPatch(doc, `${file} ${patch.field} inline #${index}`));
        }
      });
    }
    expect(patchCount).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('every base workload container, init containers too, reads AUTH_JWT_SECRET from a required Secret key', () => {
    // NODE_ENV=production (jsjb-config) refuses the development key, migrate included.
    expect(configLiterals('k8s/base/kustomization.yaml').get('NODE_ENV')).toBe('production');
    const workloads = baseWorkloads();
    expect(workloads.map(({ doc }) => pathGet(doc, 'metadata', 'name'))).toEqual(
      expect.arrayContaining(APPS.map(({ app }) => app)),
    );
    expect(workloads.flatMap(({ file, doc }) => checkSecretEnv(doc, file, REQUIRED_SECRETS))).toEqual([]);
  });

  it('intake’s containers, migrate too, read the personal-data keys from required Secret keys', () => {
    const intake = baseDocument('Deployment', 'intake');
    expect(checkSecretEnv(intake, 'intake', INTAKE_PII_SECRETS)).toEqual([]);
  });

  it(`every Secret key the base workloads read is shown in ${SECRETS_EXAMPLE}`, () => {
    const refs = baseWorkloads().flatMap(({ file, doc }) => secretKeyRefs(doc, file));
    expect(refs.map((ref) => ref.name)).toEqual(expect.arrayContaining(['jsjb-redis', 'jsjb-auth']));
    expect(checkSecretRefsDocumented(refs, documentsOf(SECRETS_EXAMPLE), SECRETS_EXAMPLE)).toEqual([]);
  });

  it(`${SECRETS_EXAMPLE} holds placeholders only`, () => {
    for (const doc of documentsOf(SECRETS_EXAMPLE)) {
      expect(pathGet(doc, 'kind')).toBe('Secret');
      expect(pathGet(doc, 'data')).toBeUndefined();
      for (const value of Object.values(dict(pathGet(doc, 'stringData')) ?? {})) {
        expect(String(value)).toContain('CHANGE-ME');
      }
    }
    // Too short for AUTH_JWT_SECRET (at least 32 characters): applied as is, nothing starts.
    const auth = documentsOf(SECRETS_EXAMPLE).find((doc) => pathGet(doc, 'metadata', 'name') === 'jsjb-auth');
    expect(String(pathGet(auth, 'stringData', 'jwt-secret')).length).toBeLessThan(32);
  });

  it('overlay Deployment patches keep requests within limits', () => {
    for (const overlay of ['dev', 'prod']) {
      for (const patchFile of referencedFiles(`k8s/overlays/${overlay}/kustomization.yaml`).patches) {
        for (const doc of documentsOf(patchFile).filter(isWorkload)) {
          for (const field of ['containers', 'initContainers']) {
            for (const container of list(pathGet(doc, 'spec', 'template', 'spec', field))) {
              for (const resource of ['cpu', 'memory'] as const) {
                const request = parseQuantity(
                  resource,
                  pathGet(container, 'resources', 'requests', resource),
                );
                const limit = parseQuantity(resource, pathGet(container, 'resources', 'limits', resource));
                if (request !== undefined && limit !== undefined) expect(request).toBeLessThanOrEqual(limit);
              }
            }
          }
        }
      }
    }
  });

  describe.each(APPS)('$app', ({ app, port }) => {
    const labels = { 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': 'jsjb' };

    it('has a Deployment, Service, PodDisruptionBudget and HorizontalPodAutoscaler with matching labels', () => {
      const deployment = baseDocument('Deployment', app);
      const podLabels = pathGet(deployment, 'spec', 'template', 'metadata', 'labels');
      expect(pathGet(deployment, 'metadata', 'labels')).toMatchObject(labels);
      expect(podLabels).toMatchObject(labels);
      expect(pathGet(deployment, 'spec', 'selector', 'matchLabels')).toEqual(labels);
      expect(pathGet(baseDocument('Service', app), 'spec', 'selector')).toEqual(labels);
      expect(pathGet(baseDocument('Service', app), 'spec', 'ports', 0)).toMatchObject({
        port,
        targetPort: 'http',
      });
      expect(pathGet(baseDocument('PodDisruptionBudget', app), 'spec', 'selector', 'matchLabels')).toEqual(
        labels,
      );
      const hpa = baseDocument('HorizontalPodAutoscaler', app);
      expect(pathGet(hpa, 'spec', 'scaleTargetRef')).toEqual({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: app,
      });
      expect(Number(pathGet(hpa, 'spec', 'minReplicas'))).toBeGreaterThanOrEqual(1);
      // The HPA owns the replica count; a fixed one would be reset on every apply.
      expect(pathGet(deployment, 'spec', 'replicas')).toBeUndefined();
    });

    it('probes /healthz (startup, liveness) and /readyz (readiness) on its port', () => {
      const container = dictAt(baseDocument('Deployment', app), 'spec', 'template', 'spec', 'containers', 0);
      expect(pathGet(container, 'ports', 0)).toMatchObject({ name: 'http', containerPort: port });
      expect(envValue(container, 'PORT')).toBe(String(port));
      expect(pathGet(container, 'startupProbe', 'httpGet')).toEqual({ path: '/healthz', port: 'http' });
      expect(pathGet(container, 'livenessProbe', 'httpGet')).toEqual({ path: '/healthz', port: 'http' });
      expect(pathGet(container, 'readinessProbe', 'httpGet')).toEqual({ path: '/readyz', port: 'http' });
    });

    it('migrates in an init container with the same image, secrets and security context', () => {
      const pod = dictAt(baseDocument('Deployment', app), 'spec', 'template', 'spec');
      const container = dictAt(pod, 'containers', 0);
      const init = dictAt(pod, 'initContainers', 0);
      expect(init.command).toEqual(['node', `apps/${app}/dist/main.js`, 'migrate']);
      expect(init.image).toBe(container.image);
      expect(init.securityContext).toEqual(container.securityContext);
      for (const target of [init, container]) {
        expect(envValue(target, 'DATABASE_URL')).toEqual({
          secretKeyRef: { name: `jsjb-${app}-db`, key: 'url' },
        });
        expect(envValue(target, 'REDIS_URL')).toEqual({ secretKeyRef: { name: 'jsjb-redis', key: 'url' } });
        expect(envValue(target, 'AUTH_JWT_SECRET')).toEqual({
          secretKeyRef: { name: 'jsjb-auth', key: 'jwt-secret' },
        });
        expect(pathGet(target, 'envFrom', 0, 'configMapRef', 'name')).toBe('jsjb-config');
      }
      expect(pathGet(pod, 'securityContext', 'seccompProfile', 'type')).toBe('RuntimeDefault');
    });

    it('runs as the Dockerfile user and outlives its own shutdown timeout', () => {
      const pod = dictAt(baseDocument('Deployment', app), 'spec', 'template', 'spec');
      const user = finalStage(parseDockerfile(read(DOCKERFILE)))
        .filter((i) => i.keyword === 'USER')
        .pop();
      const uid = Number(user?.args.split(':')[0]);
      expect(Number.isInteger(uid) && uid > 0).toBe(true);
      expect(pathGet(pod, 'securityContext', 'runAsUser')).toBe(uid);
      const shutdownMs = Number(configLiterals('k8s/base/kustomization.yaml').get('SHUTDOWN_TIMEOUT_MS'));
      const preStop = list(pathGet(pod, 'containers', 0, 'lifecycle', 'preStop', 'exec', 'command'));
      const preStopSeconds = preStop[0] === 'sleep' ? Number(preStop[1]) : 0;
      expect(shutdownMs).toBeGreaterThan(0);
      expect(Number(pod.terminationGracePeriodSeconds) * 1000).toBeGreaterThan(
        shutdownMs + preStopSeconds * 1000,
      );
    });
  });

  it("bounds the services' memory in the image as the benchmark measured it (SERVICE_MEMORY)", () => {
    const env = finalStage(parseDockerfile(read(DOCKERFILE)))
      .filter((i) => i.keyword === 'ENV')
      .map((i) => i.args)
      .join(' ');
    expect(env).toContain(`NODE_OPTIONS="${SERVICE_MEMORY.nodeOptions}"`);
    expect(env).toContain(`MALLOC_ARENA_MAX=${SERVICE_MEMORY.mallocArenaMax}`);
  });

  it('shares non-secret configuration through the jsjb-config ConfigMap', () => {
    const config = configLiterals('k8s/base/kustomization.yaml');
    expect(config.get('KAFKA_BROKERS')).toBe('kafka:9092');
    expect(config.get('MIGRATE_ON_START')).toBe('false');
    expect(config.get('REDIS_KEY_PREFIX')).toBe('jsjb:');
    expect([...config.keys()]).toEqual(
      expect.arrayContaining([
        'NODE_ENV',
        'LOG_LEVEL',
        'REDIS_KEY_PREFIX',
        'SHUTDOWN_TIMEOUT_MS',
        'READINESS_TIMEOUT_MS',
      ]),
    );
    for (const key of config.keys()) expect(key).not.toMatch(/DATABASE_URL|REDIS_URL|PASSWORD|SECRET|TOKEN/);
    expect(configLiterals('k8s/overlays/dev/kustomization.yaml').get('LOG_LEVEL')).toBe('debug');
  });
});

describe('k8s/examples/strimzi-kafka.example.yaml', () => {
  const file = 'k8s/examples/strimzi-kafka.example.yaml';

  it('declares a KRaft Kafka cluster on Strimzi with a plain listener on 9092, replicated three ways', () => {
    const docs = documentsOf(file);
    const kafka = docs.find((doc) => pathGet(doc, 'kind') === 'Kafka');
    const pool = docs.find((doc) => pathGet(doc, 'kind') === 'KafkaNodePool');
    expect(pathGet(kafka, 'apiVersion')).toBe('kafka.strimzi.io/v1beta2');
    expect(pathGet(kafka, 'metadata', 'annotations', 'strimzi.io/kraft')).toBe('enabled');
    expect(pathGet(pool, 'metadata', 'labels', 'strimzi.io/cluster')).toBe(
      pathGet(kafka, 'metadata', 'name'),
    );
    expect(list(pathGet(pool, 'spec', 'roles'))).toEqual(expect.arrayContaining(['controller', 'broker']));
    expect(pathGet(pool, 'spec', 'replicas')).toBe(3);
    const plain = list(pathGet(kafka, 'spec', 'kafka', 'listeners')).find((l) => pathGet(l, 'port') === 9092);
    expect(pathGet(plain, 'tls')).toBe(false);
    expect(pathGet(kafka, 'spec', 'kafka', 'config', 'min.insync.replicas')).toBe(2);
    // The file tells operators which KAFKA_BROKERS the services need for this cluster.
    expect(read(file)).toContain(
      `KAFKA_BROKERS=${String(pathGet(kafka, 'metadata', 'name'))}-kafka-bootstrap:9092`,
    );
  });
});

describe('docker-compose.yml', () => {
  const compose = (): unknown => documentsOf('docker-compose.yml')[0];

  it('health-checks every service and waits for healthy dependencies', () => {
    expect(checkCompose(compose(), 'docker-compose.yml', root)).toEqual([]);
  });

  it('runs Kafka (KRaft), PostgreSQL 16 and Redis 7', () => {
    expect(pathGet(compose(), 'services', 'kafka', 'image')).toBe('apache/kafka:3.9.1');
    expect(pathGet(compose(), 'services', 'kafka', 'environment', 'KAFKA_PROCESS_ROLES')).toBe(
      'broker,controller',
    );
    expect(pathGet(compose(), 'services', 'postgres', 'image')).toBe('postgres:16');
    expect(pathGet(compose(), 'services', 'redis', 'image')).toBe('redis:7');
  });

  it('creates the three service databases on first start', () => {
    const mounts = list(pathGet(compose(), 'services', 'postgres', 'volumes')).map((v) => text(v) ?? '');
    const init = mounts.find((mount) => mount.includes('/docker-entrypoint-initdb.d/'));
    const hostPath = init?.split(':')[0] ?? '';
    expect(existsSync(join(root, hostPath))).toBe(true);
    const sql = read(hostPath);
    for (const { app } of APPS) expect(sql).toMatch(new RegExp(`CREATE DATABASE jsjb_${app}\\b`));
  });

  it('requires AUTH_JWT_SECRET from the host environment for every service (no default, no literal)', () => {
    const rules = { services: APPS.map(({ app }) => app), variables: REQUIRED_SECRETS };
    expect(checkComposeRequiredEnv(compose(), 'docker-compose.yml', rules)).toEqual([]);
  });

  it('requires intake’s personal-data keys from the host environment (no default, no literal)', () => {
    const rules = { services: ['intake'], variables: ['PII_ENCRYPTION_KEYS', 'PII_HASH_KEY'] };
    expect(checkComposeRequiredEnv(compose(), 'docker-compose.yml', rules)).toEqual([]);
  });

  it('builds every service from docker/service.Dockerfile with its own APP and PORT', () => {
    expect(
      checkSharedImageBuilds(compose(), 'docker-compose.yml', { dockerfile: DOCKERFILE, apps: APPS }),
    ).toEqual([]);
  });

  it.each(APPS)('configures $app for the compose network', ({ app, port }) => {
    const service = dict(pathGet(compose(), 'services', app));
    expect(service?.build).toEqual({ context: '.', dockerfile: DOCKERFILE, args: { APP: app, PORT: port } });
    expect(list(service?.ports)).toContain(`${port}:${port}`);
    const env = dict(service?.environment) ?? {};
    expect(String(env.PORT)).toBe(String(port));
    expect(String(env.DATABASE_URL)).toMatch(new RegExp(`^postgresql://.+@postgres:5432/jsjb_${app}$`));
    expect(String(env.REDIS_URL)).toMatch(/^redis:\/\/redis:6379/);
    expect(env.KAFKA_BROKERS).toBe('kafka:9092');
    expect(env.MIGRATE_ON_START).toBe('true');
    // Production mode, which is why AUTH_JWT_SECRET must come from the host.
    expect(env.NODE_ENV).toBe('production');
    expect(Object.keys(dict(service?.depends_on) ?? {}).sort()).toEqual(['kafka', 'postgres', 'redis']);
  });
});

describe('docker/service.Dockerfile', () => {
  const source = (): string => read(DOCKERFILE);
  const workspacePackageFiles = (): string[] => {
    const manifest: unknown = JSON.parse(read('package.json'));
    return list(pathGet(manifest, 'workspaces'))
      .map((pattern) => text(pattern) ?? '')
      .flatMap((pattern) => {
        if (!pattern.endsWith('/*')) return [pattern];
        const parent = pattern.slice(0, -2);
        return subfolders(parent).map((name) => `${parent}/${name}`);
      })
      .filter((folder) => existsSync(join(root, folder, 'package.json')))
      .map((folder) => `${folder}/package.json`);
  };

  it('replaces the per-app Dockerfiles: no app or library has its own', () => {
    const dockerfiles = listFiles(root, /(^Dockerfile|\.Dockerfile)$/i);
    expect(dockerfiles).toContain(DOCKERFILE);
    expect(dockerfiles.filter((file) => /^(apps|libs)\//.test(file))).toEqual([]);
  });

  it('is multi-stage, node:22-slim and non-root, with a HEALTHCHECK and a start command', () => {
    expect(checkDockerfile(source(), DOCKERFILE)).toEqual([]);
  });

  it('declares every build argument in each stage that reads it', () => {
    expect(checkArgScopes(source(), DOCKERFILE)).toEqual([]);
  });

  it('requires APP and PORT, validated before anything reads them, in every image build', () => {
    expect(checkRequiredArg(source(), DOCKERFILE, 'APP')).toEqual([]);
    expect(checkRequiredArg(source(), DOCKERFILE, 'PORT')).toEqual([]);
  });

  it('its guard fails the build on a missing or unknown APP or PORT and passes each app with its port', () => {
    expect(guardMismatches(source())).toEqual([]);
  });

  it('reads APP and PORT only after the dependency install, so those layers are shared by the three apps', () => {
    const { global, stages } = dockerStages(parseDockerfile(source()));
    expect(global).toEqual([]);
    const argsIn = (stage: DockerStage): string[] =>
      stage.instructions.flatMap(declaredArgs).map((a) => a.name);
    const stage = (name: string): DockerStage => {
      const found = stages.find((candidate) => candidate.name === name);
      if (!found) throw new Error(`no stage ${name}`);
      return found;
    };
    expect(argsIn(stage('manifests'))).toEqual([]);
    expect(argsIn(stage('prod-deps'))).toEqual([]);
    const builder = stage('builder').instructions;
    const install = builder.findIndex((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args));
    const firstArg = builder.findIndex((i) => i.keyword === 'ARG');
    expect(install).toBeGreaterThanOrEqual(0);
    expect(firstArg).toBeGreaterThan(install);
  });

  it('builds the app named by APP and stages its dist, migrations and libraries under /app', () => {
    const { stages } = dockerStages(parseDockerfile(source()));
    const runs = (stages.find((s) => s.name === 'builder')?.instructions ?? [])
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args);
    expect(runs.some((run) => /npx nx run "?\$\{?APP\}?:build"?/.test(run))).toBe(true);
    const staging = runs.find((run) => run.includes('/out/')) ?? '';
    for (const path of [
      'apps/$APP/package.json',
      'apps/$APP/dist',
      'apps/$APP/prisma/migrations',
      '/out/apps/$APP/',
    ])
      expect(staging).toContain(path);
    const last = finalStage(parseDockerfile(source()));
    expect(last.filter((i) => i.keyword === 'WORKDIR').map((i) => i.args)).toEqual(['/app']);
    expect(last.filter((i) => i.keyword === 'COPY').map((i) => i.args)).toContain('--from=builder /out/ ./');
  });

  it('serves the app on PORT in production mode', () => {
    const last = finalStage(parseDockerfile(source()));
    const env = last.filter((i) => i.keyword === 'ENV').flatMap((i) => i.args.split(/\s+/));
    expect(env).toEqual(
      expect.arrayContaining(['NODE_ENV=production', 'HOST=0.0.0.0', 'APP=${APP}', 'PORT=${PORT}']),
    );
    expect(last.filter((i) => i.keyword === 'EXPOSE').map((i) => i.args)).toEqual(['${PORT}']);
    // HEALTHCHECK is not expanded at build time: it reads the PORT the image's environment sets.
    const healthcheck = last.find((i) => i.keyword === 'HEALTHCHECK')?.args ?? '';
    expect(healthcheck).toContain('process.env.PORT');
    expect(healthcheck).toContain('/healthz');
    expect(healthcheck).not.toMatch(/\b30\d\d\b/);
  });

  it('starts node apps/<app>/dist/main.js as PID 1 and passes the container arguments on (docker run IMAGE migrate)', () => {
    const last = finalStage(parseDockerfile(source()));
    const entrypoint = execForm(last.filter((i) => i.keyword === 'ENTRYPOINT').pop()?.args ?? '') ?? [];
    expect(entrypoint.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    // exec: node replaces the shell, so it is PID 1 and receives SIGTERM itself.
    expect(entrypoint[2]).toMatch(/^exec node /);
    expect(execForm(last.filter((i) => i.keyword === 'CMD').pop()?.args ?? '')).toEqual([]);
    expect(startCommandMismatches(source())).toEqual([]);
  });

  it('copies every workspace package.json before npm ci', () => {
    const instructions = parseDockerfile(source());
    const install = instructions.findIndex((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args));
    const copied = instructions
      .slice(0, install)
      .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    const expected = ['package.json', 'package-lock.json', ...workspacePackageFiles()];
    expect(expected.length).toBeGreaterThan(5);
    expect(copied).toEqual(expect.arrayContaining(expected));
  });

  it('.dockerignore keeps host build output and dependencies out of the context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    for (const entry of [
      '**/node_modules',
      '**/dist',
      '**/.nx',
      '.data',
      '.git',
      '**/coverage',
      '**/src/generated',
    ]) {
      expect(ignored).toContain(entry);
    }
  });
});

function subfolders(folder: string): string[] {
  const dir = join(root, folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

// ---------------------------------------------------------------------------------------------
// The checkers themselves: they must fail on broken manifests
// ---------------------------------------------------------------------------------------------

describe('the checks catch broken manifests', () => {
  const goodDeployment = (): Dict => structuredClone(baseDocument('Deployment', 'intake'));
  const app = (deployment: Dict): Dict => dictAt(deployment, 'spec', 'template', 'spec', 'containers', 0);
  const migrate = (deployment: Dict): Dict =>
    dictAt(deployment, 'spec', 'template', 'spec', 'initContainers', 0);

  it('accepts the real Deployment (control)', () => {
    expect(checkWorkload(goodDeployment(), 'good')).toEqual([]);
  });

  it('rejects a Deployment built in memory without limits, probes or security context', () => {
    const bare: Dict = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'bare' },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'app',
                image: 'jsjb/bare:1',
                resources: { requests: { cpu: '100m', memory: '128Mi' } },
              },
            ],
          },
        },
      },
    };
    const problems = checkWorkload(bare, 'bare.yaml');
    for (const expected of [
      'no resources.limits',
      'no livenessProbe',
      'no readinessProbe',
      'runAsNonRoot is not true',
      'allowPrivilegeEscalation is not false',
    ]) {
      expect(problems.some((problem) => problem.includes(expected))).toBe(true);
    }
  });

  it('rejects each missing protection on the real Deployment', () => {
    const cases: Array<[string, (deployment: Dict) => void]> = [
      ['no resources.limits', (d) => delete dictAt(app(d), 'resources').limits],
      ['no resources.limits.memory', (d) => delete dictAt(app(d), 'resources', 'limits').memory],
      ['no resources.requests', (d) => delete dictAt(app(d), 'resources').requests],
      ['no livenessProbe', (d) => delete app(d).livenessProbe],
      ['no readinessProbe', (d) => delete app(d).readinessProbe],
      ['exceeds resources.limits.cpu', (d) => (dictAt(app(d), 'resources', 'requests').cpu = '4')],
      [
        'allowPrivilegeEscalation is not false',
        (d) => (dictAt(app(d), 'securityContext').allowPrivilegeEscalation = true),
      ],
      [
        'readOnlyRootFilesystem is not true',
        (d) => delete dictAt(app(d), 'securityContext').readOnlyRootFilesystem,
      ],
      [
        'capabilities.drop does not include ALL',
        (d) => (dictAt(app(d), 'securityContext', 'capabilities').drop = []),
      ],
      [
        'runAsNonRoot is not true',
        (d) => {
          delete dictAt(app(d), 'securityContext').runAsNonRoot;
          delete dictAt(d, 'spec', 'template', 'spec', 'securityContext').runAsNonRoot;
        },
      ],
      ['runAsUser is 0', (d) => (dictAt(app(d), 'securityContext').runAsUser = 0)],
      ['init container "migrate": no resources.limits', (d) => delete dictAt(migrate(d), 'resources').limits],
      [
        'init container "migrate": allowPrivilegeEscalation',
        (d) => delete dictAt(migrate(d), 'securityContext').allowPrivilegeEscalation,
      ],
      ['hostNetwork is true', (d) => (dictAt(d, 'spec', 'template', 'spec').hostNetwork = true)],
    ];
    for (const [expected, breakIt] of cases) {
      const deployment = goodDeployment();
      breakIt(deployment);
      const problems = checkWorkload(deployment, 'broken');
      expect({ expected, found: problems.some((problem) => problem.includes(expected)) }).toEqual({
        expected,
        found: true,
      });
    }
    // Init containers and Jobs need no probes.
    const job: Dict = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate' },
      spec: { template: structuredClone(dictAt(goodDeployment(), 'spec', 'template')) },
    };
    delete app(job).livenessProbe;
    delete app(job).readinessProbe;
    expect(checkWorkload(job, 'job')).toEqual([]);
  });

  it('rejects a required secret that is missing, literal, from a ConfigMap or optional, in any container', () => {
    const env = (container: Dict): Dict[] => list(container.env).filter(isDict);
    const authEntry = (container: Dict): Dict => {
      const entry = env(container).find((item) => item.name === 'AUTH_JWT_SECRET');
      if (!entry) throw new Error('no AUTH_JWT_SECRET');
      return entry;
    };
    expect(checkSecretEnv(goodDeployment(), 'good', REQUIRED_SECRETS)).toEqual([]);
    const cases: Array<[string, (deployment: Dict) => void]> = [
      [
        'init container "migrate": does not set AUTH_JWT_SECRET',
        (d) => (migrate(d).env = env(migrate(d)).filter((item) => item.name !== 'AUTH_JWT_SECRET')),
      ],
      [
        'container "app": AUTH_JWT_SECRET is a literal value',
        (d) => {
          const entry = authEntry(app(d));
          delete entry.valueFrom;
          entry.value = 'x'.repeat(40);
        },
      ],
      [
        'container "app": AUTH_JWT_SECRET is not read from a Secret',
        (d) => (authEntry(app(d)).valueFrom = { configMapKeyRef: { name: 'jsjb-config', key: 'k' } }),
      ],
      [
        'init container "migrate": AUTH_JWT_SECRET comes from an optional Secret key',
        (d) => (dictAt(authEntry(migrate(d)), 'valueFrom', 'secretKeyRef').optional = true),
      ],
      [
        'container "app": AUTH_JWT_SECRET names no Secret and key',
        (d) => delete dictAt(authEntry(app(d)), 'valueFrom', 'secretKeyRef').key,
      ],
    ];
    for (const [expected, breakIt] of cases) {
      const deployment = goodDeployment();
      breakIt(deployment);
      expect(checkSecretEnv(deployment, 'broken', REQUIRED_SECRETS)).toEqual([
        expect.stringContaining(expected),
      ]);
    }
  });

  it('rejects Secret keys that the example does not show', () => {
    const examples = documentsOf(SECRETS_EXAMPLE);
    const deployment = goodDeployment();
    expect(checkSecretRefsDocumented(secretKeyRefs(deployment, 'good'), examples, 'example')).toEqual([]);
    const ref = (d: Dict, variable: string): Dict => {
      const entry = list(app(d).env).find((item) => pathGet(item, 'name') === variable);
      return dictAt(entry, 'valueFrom', 'secretKeyRef');
    };
    ref(deployment, 'AUTH_JWT_SECRET').name = 'jsjb-jwt';
    ref(deployment, 'REDIS_URL').key = 'uri';
    expect(checkSecretRefsDocumented(secretKeyRefs(deployment, 'broken'), examples, 'example')).toEqual([
      expect.stringContaining('container "app" env REDIS_URL: Secret jsjb-redis in example has no key uri'),
      expect.stringContaining('container "app" env AUTH_JWT_SECRET: Secret jsjb-jwt is not in example'),
    ]);
    // The example without the jsjb-auth Secret: both containers' references are reported.
    const withoutAuth = examples.filter((doc) => pathGet(doc, 'metadata', 'name') !== 'jsjb-auth');
    expect(
      checkSecretRefsDocumented(secretKeyRefs(goodDeployment(), 'good'), withoutAuth, 'example'),
    ).toEqual([
      expect.stringContaining('init container "migrate" env AUTH_JWT_SECRET: Secret jsjb-auth is not in'),
      expect.stringContaining('container "app" env AUTH_JWT_SECRET: Secret jsjb-auth is not in'),
    ]);
  });

  it('rejects compose services that do not require AUTH_JWT_SECRET from the host', () => {
    const rules = { services: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], variables: REQUIRED_SECRETS };
    const service = (value: string | undefined): Dict => ({
      environment: value === undefined ? { PORT: 1 } : { AUTH_JWT_SECRET: value },
    });
    const compose = {
      services: {
        a: service(undefined),
        b: service('x'.repeat(40)),
        c: service('${AUTH_JWT_SECRET:-jsjb-development-secret-never-use-in-production}'),
        d: service('${AUTH_JWT_SECRET}'),
        e: service('${AUTH_JWT_SECRET?set it}'),
        f: service('${AUTH_JWT_SECRET:?}'),
        g: service('${JWT_SECRET:?set it}'),
        // Control: the list form, required with a message.
        h: { environment: ['PORT=1', 'AUTH_JWT_SECRET=${AUTH_JWT_SECRET:?set it}'] },
      },
    };
    expect(checkComposeRequiredEnv(compose, 'compose', rules)).toEqual([
      'compose service a: environment does not set AUTH_JWT_SECRET',
      expect.stringContaining('compose service b: AUTH_JWT_SECRET="xxxx'),
      'compose service c: AUTH_JWT_SECRET is not required (${AUTH_JWT_SECRET:-...}, expected :?)',
      'compose service d: AUTH_JWT_SECRET is not required (${AUTH_JWT_SECRET...}, expected :?)',
      'compose service e: AUTH_JWT_SECRET is not required (${AUTH_JWT_SECRET?...}, expected :?)',
      'compose service f: AUTH_JWT_SECRET is required without a message saying how to set it',
      'compose service g: AUTH_JWT_SECRET reads ${JWT_SECRET} instead',
    ]);
    expect(
      checkComposeRequiredEnv({ services: {} }, 'empty', { services: ['intake'], variables: [] }),
    ).toEqual(['empty service intake: no such service']);
  });

  it('rejects overlay patches that delete or weaken protections, accepts ones that change values', () => {
    const smp = (container: Dict, pod: Dict = {}): Dict => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: { template: { spec: { ...pod, containers: [{ name: 'app', ...container }] } } },
    });
    expect(checkWorkloadPatch(smp({ resources: { limits: { cpu: '2', memory: '1Gi' } } }), 'ok')).toEqual([]);
    expect(
      checkWorkloadPatch(
        { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', spec: { minReplicas: 1 } },
        'hpa',
      ),
    ).toEqual([]);
    const bad: Array<[string, Dict]> = [
      ['deletes livenessProbe', smp({ livenessProbe: null })],
      ['deletes resources.limits', smp({ resources: { limits: null } })],
      ['deletes resources.limits.cpu', smp({ resources: { limits: { cpu: null } } })],
      ['$patch: delete', smp({ readinessProbe: { $patch: 'delete' } })],
      ['$patch: replace', smp({ resources: { $patch: 'replace', requests: { cpu: '1' } } })],
      ['sets runAsNonRoot to false', smp({}, { securityContext: { runAsNonRoot: false } })],
      ['sets allowPrivilegeEscalation to true', smp({ securityContext: { allowPrivilegeEscalation: true } })],
      ['capabilities.drop without ALL', smp({ securityContext: { capabilities: { drop: ['NET_RAW'] } } })],
    ];
    for (const [expected, patch] of bad) {
      const problems = checkWorkloadPatch(patch, 'patch');
      expect({ expected, found: problems.some((problem) => problem.includes(expected)) }).toEqual({
        expected,
        found: true,
      });
    }
    const base = '/spec/template/spec/containers/0';
    expect(
      checkJsonPatch([{ op: 'replace', path: `${base}/resources/limits/memory`, value: '2Gi' }], 'ok'),
    ).toEqual([]);
    expect(checkJsonPatch([{ op: 'remove', path: `${base}/resources/limits` }], 'p')).toHaveLength(1);
    expect(checkJsonPatch([{ op: 'remove', path: `${base}/livenessProbe` }], 'p')).toHaveLength(1);
    expect(
      checkJsonPatch(
        [{ op: 'replace', path: `${base}/resources`, value: { requests: { cpu: '1', memory: '1Gi' } } }],
        'p',
      ),
    ).toEqual([
      expect.stringContaining('leaves out limits.cpu'),
      expect.stringContaining('leaves out limits.memory'),
    ]);
    expect(
      checkJsonPatch([{ op: 'replace', path: `${base}/securityContext/runAsNonRoot`, value: false }], 'p'),
    ).toHaveLength(1);
    expect(
      checkJsonPatch(
        [{ op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'sidecar', image: 'x' } }],
        'p',
      ).length,
    ).toBeGreaterThan(3);
    // Through the same entry point the spec uses for overlay files.
    expect(checkWorkloadPatch([{ op: 'remove', path: `${base}/readinessProbe` }], 'p')).toHaveLength(1);
  });

  it('rejects kustomizations that list missing files or commit secrets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jsjb-kustomize-'));
    try {
      writeFileSync(join(dir, 'present.yaml'), 'kind: ConfigMap\n');
      mkdirSync(join(dir, 'empty-folder'));
      const file = join(dir, 'kustomization.yaml');
      const kustomization = {
        resources: [
          'present.yaml',
          'missing.yaml',
          'empty-folder',
          'https://github.com/example/repo//k8s?ref=v1',
        ],
        patches: [
          { path: 'missing-patch.yaml', target: { kind: 'Deployment' } },
          { patch: '- op: test\n  path: /a\n' },
        ],
        configMapGenerator: [{ name: 'c', files: ['key=missing.conf'], envs: ['present.yaml'] }],
        secretGenerator: [{ name: 's', literals: ['password=hunter2'] }],
      };
      // `- PREFIX=jsjb:` unquoted: YAML reads a mapping, kustomize wants a string.
      const unquoted = { configMapGenerator: [{ name: 'd', literals: [{ 'PREFIX=jsjb': null }] }] };
      const problems = [...checkKustomization(kustomization, file), ...checkKustomization(unquoted, file)];
      expect(problems).toHaveLength(6);
      for (const expected of [
        'missing.yaml',
        'empty-folder',
        'missing-patch.yaml',
        'missing.conf',
        'secret literals',
        'literal {"PREFIX=jsjb":null} is not a KEY=value string',
      ]) {
        expect(problems.some((problem) => problem.includes(expected))).toBe(true);
      }
      expect(checkKustomization({ resources: ['present.yaml'] }, file)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects compose services without healthchecks or healthy-dependency conditions', () => {
    const compose = {
      services: {
        db: { image: 'postgres:16' },
        api: { image: 'api', depends_on: ['db'], healthcheck: { test: ['CMD', 'true'] } },
        worker: {
          image: 'w',
          depends_on: { db: { condition: 'service_started' } },
          healthcheck: { test: ['NONE'] },
        },
        off: { image: 'o', healthcheck: { test: ['CMD', 'true'], disable: true } },
        built: { build: { context: '.', dockerfile: 'apps/nope/Dockerfile' }, healthcheck: { test: 'true' } },
      },
    };
    const problems = checkCompose(compose, 'compose', root);
    for (const expected of [
      'service db: no healthcheck',
      'service api: depends_on is a list',
      'service worker: depends_on db has condition "service_started"',
      'service worker: no healthcheck',
      'service off: no healthcheck',
      'apps/nope/Dockerfile does not exist',
    ]) {
      expect(problems.some((problem) => problem.includes(expected))).toBe(true);
    }
    expect(problems).toHaveLength(6);
    expect(checkCompose({ services: {} }, 'empty')).toEqual(['empty: no services']);
  });

  it('rejects compose builds of the shared Dockerfile without the right APP and PORT', () => {
    const rules = { dockerfile: DOCKERFILE, apps: APPS };
    const real = structuredClone(documentsOf('docker-compose.yml')[0]);
    // Control: the list form of build.args is read too.
    dictAt(real, 'services', 'intake', 'build').args = ['APP=intake', 'PORT=3001'];
    expect(checkSharedImageBuilds(real, 'list-args', rules)).toEqual([]);

    const build = (args: unknown): Dict => ({ context: '.', dockerfile: DOCKERFILE, args });
    const compose = {
      services: {
        intake: { build: build({ APP: 'routing', PORT: 3002 }), ports: ['3002:3002'] },
        routing: { build: build(['APP=routing']), ports: ['3002:3002'] },
        sla: {
          build: build({ APP: 'sla', PORT: '3001' }),
          environment: { PORT: 3003 },
          ports: ['3003:3003'],
        },
        billing: { build: build({ APP: 'billing', PORT: 4000 }), ports: ['4000:4000'] },
        worker: { build: build({ PORT: 3001 }), ports: [{ target: 3001, published: 3001 }] },
      },
    };
    const problems = checkSharedImageBuilds(compose, 'compose', rules);
    for (const expected of [
      'service intake: build arg APP=routing builds another service',
      'service routing: build arg PORT is not set',
      'service sla: build arg PORT=3001, but sla listens on 3003',
      'service sla: environment PORT=3003 differs from build arg PORT=3001',
      'service sla: publishes no container port 3001',
      'service billing: build arg APP=billing is not one of intake, routing, sla',
      'service worker: build arg APP is not set',
    ]) {
      expect({ expected, found: problems.some((problem) => problem.includes(expected)) }).toEqual({
        expected,
        found: true,
      });
    }
    expect(problems).toHaveLength(7);
    // The per-app Dockerfiles of old no longer count.
    const old = { services: { intake: { build: { context: '.', dockerfile: 'apps/intake/Dockerfile' } } } };
    expect(checkSharedImageBuilds(old, 'old', rules)).toEqual(
      APPS.map(({ app }) => `old service ${app}: not built from ${DOCKERFILE}`),
    );
  });

  describe('rejects a broken docker/service.Dockerfile', () => {
    // Variants of the real file, edited instruction by instruction and written back one per line.
    const serialize = (instructions: readonly DockerInstruction[]): string =>
      instructions.map((i) => `${i.keyword} ${i.args}`).join('\n') + '\n';
    const good = (): DockerInstruction[] => parseDockerfile(read(DOCKERFILE)).map((i) => ({ ...i }));
    const guardIndex = (instructions: readonly DockerInstruction[]): number => {
      const line = argGuards(serialize(instructions), 'APP')[0]?.run.line ?? 0;
      return line - 1;
    };
    const edit = (
      instructions: DockerInstruction[],
      keyword: string,
      change: (args: string) => string,
    ): DockerInstruction[] => {
      const target = instructions.filter((i) => i.keyword === keyword).pop();
      if (!target) throw new Error(`no ${keyword}`);
      const changed = change(target.args);
      expect(changed).not.toBe(target.args);
      target.args = changed;
      return instructions;
    };

    it('accepts the real file written back one instruction per line (control)', () => {
      const source = serialize(good());
      expect(checkDockerfile(source, 'good')).toEqual([]);
      expect(checkArgScopes(source, 'good')).toEqual([]);
      expect(checkRequiredArg(source, 'good', 'APP')).toEqual([]);
      expect(checkRequiredArg(source, 'good', 'PORT')).toEqual([]);
      expect(guardMismatches(source)).toEqual([]);
      expect(startCommandMismatches(source)).toEqual([]);
    });

    it('an ARG declared only before the first FROM, or after its use', () => {
      const globalOnly = good().filter((i) => !(i.keyword === 'ARG' && i.args === 'APP'));
      const source = `ARG APP\n${serialize(globalOnly)}`;
      const problems = checkArgScopes(source, 'global');
      for (const expected of [
        'RUN uses APP, but stage builder does not declare ARG APP',
        'ENV uses APP, but stage runtime does not declare ARG APP',
      ]) {
        expect(problems.some((problem) => problem.includes(expected))).toBe(true);
      }
      expect(checkRequiredArg(source, 'global', 'APP')).toEqual(
        expect.arrayContaining([expect.stringContaining('no stage validates ARG APP')]),
      );

      const instructions = good();
      const runtimePort = instructions.findLastIndex((i) => i.keyword === 'ARG' && i.args === 'PORT');
      const [declaration] = instructions.splice(runtimePort, 1);
      if (declaration) instructions.push(declaration);
      // (EXPOSE then reads the ENV PORT, set from the undeclared, empty argument.)
      expect(checkArgScopes(serialize(instructions), 'late')).toEqual([
        expect.stringContaining('ENV uses PORT, but stage runtime does not declare ARG PORT before it'),
      ]);
    });

    it('a default value for APP', () => {
      const instructions = good();
      const declaration = instructions.find((i) => i.keyword === 'ARG' && i.args === 'APP');
      if (declaration) declaration.args = 'APP=intake';
      expect(checkRequiredArg(serialize(instructions), 'default', 'APP')).toEqual([
        expect.stringContaining('ARG APP has a default; it must be required'),
      ]);
    });

    it('a RUN reading APP before any guard, and an image that does not depend on the guard', () => {
      const stages = (dependency: string): string =>
        [
          'FROM node:22-slim AS check',
          'ARG APP',
          'RUN case "$APP" in intake|routing|sla) ;; *) exit 1;; esac',
          'FROM node:22-slim AS build',
          dependency,
          'ARG APP',
          'WORKDIR /src/${APP}',
          'RUN npx nx run "${APP}:build"',
          'FROM node:22-slim',
          'ARG APP',
          'ENV APP=${APP}',
          'COPY --from=build /src /src',
          'USER 1000',
          'HEALTHCHECK CMD true',
          'CMD []',
        ].join('\n');
      expect(checkRequiredArg(stages('WORKDIR /src'), 'side', 'APP')).toEqual([
        expect.stringContaining('side:8: RUN reads APP before any guard'),
        'side: the final stage does not depend on the stage that validates ARG APP',
      ]);
      // Control: copying from the guarded stage first orders the build after the guard.
      expect(checkRequiredArg(stages('COPY --from=check /etc/hostname /tmp/'), 'side', 'APP')).toEqual([]);
    });

    it('a guard that lets a bad value through', () => {
      const permissive = good();
      const guard = permissive[guardIndex(permissive)];
      if (!guard) throw new Error('no guard');
      guard.args = guard.args
        .replace('intake|routing|sla)', 'intake|routing|sla|billing)')
        .replace('[ "$PORT" -le 65535 ]', 'true');
      expect(guardMismatches(serialize(permissive))).toEqual([
        expect.stringContaining('{"APP":"billing","PORT":"3001"}: passed'),
        expect.stringContaining('{"APP":"intake","PORT":"65536"}: passed'),
      ]);
    });

    it('a guard moved after the build or into a side stage (the build becomes the first to read APP)', () => {
      const late = good();
      const [moved] = late.splice(guardIndex(late), 1);
      if (!moved) throw new Error('no guard');
      const build = late.findIndex((i) => i.keyword === 'RUN' && i.args.includes('nx run'));
      const side = late.map((i) => ({ ...i }));
      late.splice(build + 1, 0, moved);
      side.splice(
        side.findLastIndex((i) => i.keyword === 'FROM'),
        0,
        { keyword: 'FROM', args: 'node:22-slim AS check', line: 0 },
        { keyword: 'ARG', args: 'APP', line: 0 },
        { keyword: 'ARG', args: 'PORT', line: 0 },
        moved,
      );
      for (const instructions of [late, side]) {
        // Run as the guard (with no programs on PATH), the build fails on valid values too.
        expect(guardMismatches(serialize(instructions))).toEqual(
          expect.arrayContaining([expect.stringContaining('{"APP":"intake","PORT":"3001"}: failed')]),
        );
      }
    });

    it('a start command that splits, drops or replaces the container arguments, or names one app', () => {
      const mismatches = (instructions: DockerInstruction[]): string[] =>
        startCommandMismatches(serialize(instructions));
      const unquoted = edit(good(), 'ENTRYPOINT', (args) => args.replace('\\"$@\\"', '$@'));
      expect(mismatches(unquoted)).toEqual([
        expect.stringContaining('intake docker run IMAGE ["migrate","two words","$HOME","*"]'),
        expect.stringContaining('routing docker run IMAGE ["migrate","two words","$HOME","*"]'),
        expect.stringContaining('sla docker run IMAGE ["migrate","two words","$HOME","*"]'),
      ]);
      const dropped = edit(good(), 'ENTRYPOINT', (args) => args.replace(' \\"$@\\"', ''));
      expect(mismatches(dropped)).toHaveLength(APPS.length * 2);
      const defaultArgs = edit(good(), 'CMD', () => '["node"]');
      expect(mismatches(defaultArgs)).toHaveLength(APPS.length);
      const oneApp = edit(good(), 'ENTRYPOINT', (args) => args.replace('$APP', 'intake'));
      expect(mismatches(oneApp)).toHaveLength((APPS.length - 1) * RUN_ARGS.length);
      const shellForm = good().filter((i) => i.keyword !== 'ENTRYPOINT');
      edit(shellForm, 'CMD', () => 'node apps/$APP/dist/main.js');
      expect(mismatches(shellForm)).toEqual([expect.stringContaining('exec form')]);
    });
  });

  it('rejects single-stage, non-slim or root Dockerfiles', () => {
    const single = 'FROM node:22\nWORKDIR /app\nCOPY . .\nCMD ["node", "main.js"]\n';
    const problems = checkDockerfile(single, 'single');
    expect(problems.some((problem) => problem.includes('multi-stage'))).toBe(true);
    expect(problems.some((problem) => problem.includes('FROM node:22, expected node:22-slim'))).toBe(true);
    expect(problems.some((problem) => problem.includes('no USER'))).toBe(true);
    expect(problems.some((problem) => problem.includes('no HEALTHCHECK'))).toBe(true);

    const rootUser = [
      'FROM node:22-slim AS build',
      'RUN npm ci',
      'FROM build AS runtime',
      'USER node',
      '# a later switch back to root wins',
      'USER root:root',
      'HEALTHCHECK CMD node -e "1"',
      'CMD ["node", "main.js"]',
    ].join('\n');
    expect(checkDockerfile(rootUser, 'root')).toEqual([expect.stringContaining('USER root:root is root')]);

    const userOnlyInBuilder =
      'FROM node:22-slim AS build\nUSER node\nFROM node:22-slim\nHEALTHCHECK CMD true\nCMD ["node"]\n';
    expect(checkDockerfile(userOnlyInBuilder, 'builder-user')).toEqual([expect.stringContaining('no USER')]);

    const continued =
      'FROM node:22-slim AS a\nRUN echo \\\n  # a comment inside a continuation\n  done\nFROM a\nUSER 1000\nHEALTHCHECK \\\n  CMD true\nCMD ["x"]\n';
    expect(checkDockerfile(continued, 'continued')).toEqual([]);
    expect(parseDockerfile(continued).map((i) => i.keyword)).toEqual([
      'FROM',
      'RUN',
      'FROM',
      'USER',
      'HEALTHCHECK',
      'CMD',
    ]);
  });

  it('reports YAML parse errors and duplicate keys', () => {
    expect(parseYaml('a: [1, 2\nb: c\n').errors.length).toBeGreaterThan(0);
    expect(parseYaml('a: 1\na: 2\n').errors.length).toBeGreaterThan(0);
    expect(parseYaml('a: 1\n---\nb: 2\n')).toEqual({ documents: [{ a: 1 }, { b: 2 }], errors: [] });
  });
});
