// The deployment descriptors, checked statically: every YAML file parses; Kubernetes workloads
// have probes, limits and a non-root security context (and overlays cannot take them away);
// kustomizations list only existing files; compose services are health-checked and wait for
// healthy dependencies; the Dockerfiles are multi-stage, node:22-slim and non-root. The last
// block proves the checkers fail on broken manifests, so a green run means something.
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
  checkCompose,
  checkDockerfile,
  checkJsonPatch,
  checkKustomization,
  checkWorkload,
  checkWorkloadPatch,
  dict,
  dictAt,
  execForm,
  finalStage,
  findRepoRoot,
  inlinePatches,
  isDict,
  isWorkload,
  kustomizationRefs,
  list,
  listYamlFiles,
  parseDockerfile,
  parseQuantity,
  parseYaml,
  pathGet,
  text,
  type Dict,
} from './deploy-checks.ts';

const root = findRepoRoot(process.cwd());
const APPS = [
  { app: 'intake', port: 3001 },
  { app: 'routing', port: 3002 },
  { app: 'sla', port: 3003 },
] as const;

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
        expect(pathGet(target, 'envFrom', 0, 'configMapRef', 'name')).toBe('jsjb-config');
      }
      expect(pathGet(pod, 'securityContext', 'seccompProfile', 'type')).toBe('RuntimeDefault');
    });

    it('runs as the Dockerfile user and outlives its own shutdown timeout', () => {
      const pod = dictAt(baseDocument('Deployment', app), 'spec', 'template', 'spec');
      const user = finalStage(parseDockerfile(read(`apps/${app}/Dockerfile`)))
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

  it.each(APPS)('configures $app for the compose network', ({ app, port }) => {
    const service = dict(pathGet(compose(), 'services', app));
    expect(pathGet(service, 'build', 'dockerfile')).toBe(`apps/${app}/Dockerfile`);
    expect(list(service?.ports)).toContain(`${port}:${port}`);
    const env = dict(service?.environment) ?? {};
    expect(String(env.PORT)).toBe(String(port));
    expect(String(env.DATABASE_URL)).toMatch(new RegExp(`^postgresql://.+@postgres:5432/jsjb_${app}$`));
    expect(String(env.REDIS_URL)).toMatch(/^redis:\/\/redis:6379/);
    expect(env.KAFKA_BROKERS).toBe('kafka:9092');
    expect(env.MIGRATE_ON_START).toBe('true');
    expect(Object.keys(dict(service?.depends_on) ?? {}).sort()).toEqual(['kafka', 'postgres', 'redis']);
  });
});

describe('Dockerfiles', () => {
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

  it.each(APPS)('apps/$app/Dockerfile is multi-stage, node:22-slim and non-root', ({ app }) => {
    expect(checkDockerfile(read(`apps/${app}/Dockerfile`), `apps/${app}/Dockerfile`)).toEqual([]);
  });

  it.each(APPS)('apps/$app/Dockerfile serves the app on its port', ({ app, port }) => {
    const last = finalStage(parseDockerfile(read(`apps/${app}/Dockerfile`)));
    const cmd = last.filter((i) => i.keyword === 'CMD').pop();
    expect(execForm(cmd?.args ?? '')).toEqual(['node', `apps/${app}/dist/main.js`]);
    expect(last.filter((i) => i.keyword === 'EXPOSE').map((i) => i.args)).toEqual([String(port)]);
    expect(last.some((i) => i.keyword === 'ENV' && /\bNODE_ENV=production\b/.test(i.args))).toBe(true);
  });

  it.each(APPS)('apps/$app/Dockerfile copies every workspace package.json before npm ci', ({ app }) => {
    const copied = parseDockerfile(read(`apps/${app}/Dockerfile`))
      .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    const expected = ['package.json', 'package-lock.json', ...workspacePackageFiles()];
    expect(expected.length).toBeGreaterThan(5);
    expect(copied).toEqual(expect.arrayContaining(expected));
  });

  it('are the same file apart from the app name and port', () => {
    const normalised = APPS.map(({ app, port }) =>
      read(`apps/${app}/Dockerfile`)
        .split('\n')
        // The manifest list names every app; it is checked above.
        .filter((line) => !/^COPY apps\/[\w-]+\/package\.json /.test(line))
        .join('\n')
        .replaceAll(app, '<app>')
        .replaceAll(String(port), '<port>'),
    );
    expect(normalised[1]).toBe(normalised[0]);
    expect(normalised[2]).toBe(normalised[0]);
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
