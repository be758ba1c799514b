// Static checks for the deployment descriptors (docker/service.Dockerfile, docker-compose.yml, k8s/).
// Every check is a pure function returning a list of violations (empty = fine), so the spec
// can run it on the repository's files and prove, on broken objects built in memory, that it
// really fails. No kustomize or Docker engine is needed.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parseAllDocuments } from 'yaml';

export type Dict = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Small helpers over parsed YAML (everything is `unknown` until proven otherwise)
// ---------------------------------------------------------------------------------------------

export function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function dict(value: unknown): Dict | undefined {
  return isDict(value) ? value : undefined;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The value at a path of keys and indexes, or undefined when any step is missing. */
export function pathGet(value: unknown, ...keys: ReadonlyArray<string | number>): unknown {
  let current: unknown = value;
  for (const key of keys) {
    if (typeof key === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = (current as unknown[])[key];
    } else {
      if (!isDict(current)) return undefined;
      current = current[key];
    }
  }
  return current;
}

/** Like pathGet, but the value must be an object (for tests that mutate manifests). */
export function dictAt(value: unknown, ...keys: ReadonlyArray<string | number>): Dict {
  const found = pathGet(value, ...keys);
  if (!isDict(found)) throw new Error(`no object at ${keys.join('.')}`);
  return found;
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

// ---------------------------------------------------------------------------------------------
// Repository files and YAML parsing
// ---------------------------------------------------------------------------------------------

/** The folder holding nx.json, found by walking up from `start`. */
export function findRepoRoot(start: string): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no nx.json above ${start}`);
    dir = parent;
  }
}

/** Folders never searched: dependencies, build output, caches and local data. */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set([
  'node_modules',
  '.nx',
  'dist',
  '.git',
  '.data',
  'coverage',
]);

/** Every file under root whose name matches (repo-relative, '/'-separated, sorted). */
export function listFiles(root: string, name: RegExp, skipped: ReadonlySet<string> = SKIPPED_DIRS): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skipped.has(entry.name)) walk(full);
      } else if (entry.isFile() && name.test(entry.name)) {
        found.push(relative(root, full).split(sep).join('/'));
      }
    }
  };
  walk(root);
  return found.sort();
}

/** Every *.yaml / *.yml file under root (repo-relative, '/'-separated, sorted). */
export function listYamlFiles(root: string, skipped: ReadonlySet<string> = SKIPPED_DIRS): string[] {
  return listFiles(root, /\.ya?ml$/i, skipped);
}

export interface ParsedYaml {
  documents: unknown[];
  errors: string[];
}

/** All documents of a YAML stream as plain JS, with every parse error (duplicate keys included). */
export function parseYaml(source: string, name = '<yaml>'): ParsedYaml {
  const documents: unknown[] = [];
  const errors: string[] = [];
  for (const doc of parseAllDocuments(source, { prettyErrors: true })) {
    for (const error of doc.errors) errors.push(`${name}: ${error.message}`);
    if (doc.errors.length > 0) continue;
    try {
      const value: unknown = doc.toJS();
      if (value !== null && value !== undefined) documents.push(value);
    } catch (error) {
      errors.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { documents, errors };
}

export function parseYamlFile(file: string): ParsedYaml {
  return parseYaml(readFileSync(file, 'utf8'), file);
}

// ---------------------------------------------------------------------------------------------
// Kubernetes workloads
// ---------------------------------------------------------------------------------------------

/** Kinds whose pods keep running: they need liveness and readiness probes. */
export const LONG_RUNNING_KINDS: ReadonlySet<string> = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
]);
/** Run-to-completion kinds: probes make no sense, resources and security still do. */
export const BATCH_KINDS: ReadonlySet<string> = new Set(['Job', 'CronJob']);

export function isWorkload(value: unknown): value is Dict {
  const kind = text(pathGet(value, 'kind'));
  return kind !== undefined && (LONG_RUNNING_KINDS.has(kind) || BATCH_KINDS.has(kind));
}

export function podSpecOf(workload: Dict): Dict | undefined {
  if (workload.kind === 'CronJob')
    return dict(pathGet(workload, 'spec', 'jobTemplate', 'spec', 'template', 'spec'));
  return dict(pathGet(workload, 'spec', 'template', 'spec'));
}

export function workloadName(workload: unknown): string {
  return `${text(pathGet(workload, 'kind')) ?? '?'}/${text(pathGet(workload, 'metadata', 'name')) ?? '?'}`;
}

const CPU = /^(\d+(?:\.\d+)?)(m)?$/;
const MEMORY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|K|M|G|T)?$/;
const MEMORY_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** A Kubernetes cpu (cores) or memory (bytes) quantity, or undefined when it cannot be read. */
export function parseQuantity(resource: 'cpu' | 'memory', value: unknown): number | undefined {
  const raw = typeof value === 'number' ? String(value) : text(value);
  if (raw === undefined) return undefined;
  if (resource === 'cpu') {
    const match = CPU.exec(raw);
    if (!match) return undefined;
    return Number(match[1]) / (match[2] === 'm' ? 1000 : 1);
  }
  const match = MEMORY.exec(raw);
  if (!match) return undefined;
  return Number(match[1]) * (MEMORY_UNITS[match[2] ?? ''] ?? Number.NaN);
}

const PROBE_HANDLERS = ['httpGet', 'tcpSocket', 'exec', 'grpc'] as const;

function hasProbeHandler(probe: unknown): boolean {
  return PROBE_HANDLERS.some((handler) => isDict(pathGet(probe, handler)));
}

function checkResources(container: Dict, at: string): string[] {
  const problems: string[] = [];
  const resources = dict(container.resources);
  if (!resources) return [`${at}: no resources (requests and limits for cpu and memory)`];
  for (const section of ['requests', 'limits'] as const) {
    const values = dict(resources[section]);
    if (!values) {
      problems.push(`${at}: no resources.${section}`);
      continue;
    }
    for (const resource of ['cpu', 'memory'] as const) {
      const value = values[resource];
      if (value === undefined || value === null || value === '') {
        problems.push(`${at}: no resources.${section}.${resource}`);
      } else if (parseQuantity(resource, value) === undefined) {
        problems.push(`${at}: resources.${section}.${resource} is not a quantity: ${show(value)}`);
      }
    }
  }
  for (const resource of ['cpu', 'memory'] as const) {
    const request = parseQuantity(resource, pathGet(resources, 'requests', resource));
    const limit = parseQuantity(resource, pathGet(resources, 'limits', resource));
    if (request !== undefined && limit !== undefined && request > limit) {
      problems.push(`${at}: resources.requests.${resource} exceeds resources.limits.${resource}`);
    }
  }
  return problems;
}

/** The restricted Pod Security Standard, container by container (pod-level values inherited). */
function checkContainerSecurity(container: Dict, pod: Dict, at: string): string[] {
  const problems: string[] = [];
  const podContext = dict(pod.securityContext) ?? {};
  const context = dict(container.securityContext) ?? {};
  const runAsNonRoot = context.runAsNonRoot ?? podContext.runAsNonRoot;
  if (runAsNonRoot !== true)
    problems.push(`${at}: runAsNonRoot is not true (container or pod securityContext)`);
  const runAsUser = context.runAsUser ?? podContext.runAsUser;
  if (runAsUser === 0) problems.push(`${at}: runAsUser is 0 (root)`);
  if (context.allowPrivilegeEscalation !== false)
    problems.push(`${at}: allowPrivilegeEscalation is not false`);
  if (context.privileged === true) problems.push(`${at}: privileged container`);
  if (context.readOnlyRootFilesystem !== true) problems.push(`${at}: readOnlyRootFilesystem is not true`);
  const dropped = list(pathGet(context, 'capabilities', 'drop'));
  if (!dropped.includes('ALL')) problems.push(`${at}: capabilities.drop does not include ALL`);
  const added = list(pathGet(context, 'capabilities', 'add')).filter((cap) => cap !== 'NET_BIND_SERVICE');
  if (added.length > 0) problems.push(`${at}: adds capabilities ${show(added)}`);
  const seccomp =
    text(pathGet(context, 'seccompProfile', 'type')) ?? text(pathGet(podContext, 'seccompProfile', 'type'));
  if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
    problems.push(`${at}: seccompProfile.type is not RuntimeDefault (container or pod securityContext)`);
  }
  return problems;
}

/**
 * A complete workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob): every
 * container has resources (requests and limits, cpu and memory) and the restricted security
 * context; containers of long-running kinds also have liveness and readiness probes. Init
 * containers and batch containers run to completion, so they need no probes.
 */
export function checkWorkload(workload: unknown, where: string): string[] {
  if (!isWorkload(workload)) return [`${where}: not a workload`];
  const name = `${where} ${workloadName(workload)}`;
  const pod = podSpecOf(workload);
  if (!pod) return [`${name}: no pod template spec`];
  const problems: string[] = [];
  for (const flag of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (pod[flag] === true) problems.push(`${name}: ${flag} is true`);
  }
  const containers = list(pod.containers);
  if (containers.length === 0) problems.push(`${name}: no containers`);
  const needsProbes = LONG_RUNNING_KINDS.has(String(workload.kind));
  const groups = [
    { entries: containers, init: false },
    { entries: list(pod.initContainers), init: true },
  ];
  for (const { entries, init } of groups) {
    entries.forEach((entry, index) => {
      const container = dict(entry);
      const label = text(container?.name) ?? `#${index}`;
      const at = `${name} ${init ? 'init container' : 'container'} "${label}"`;
      if (!container) {
        problems.push(`${at}: not an object`);
        return;
      }
      if (!text(container.image)) problems.push(`${at}: no image`);
      if (needsProbes && !init) {
        for (const probe of ['livenessProbe', 'readinessProbe'] as const) {
          if (!hasProbeHandler(container[probe])) problems.push(`${at}: no ${probe}`);
        }
      }
      problems.push(...checkResources(container, at));
      problems.push(...checkContainerSecurity(container, pod, at));
    });
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Secrets: what the workloads take from them, and what secrets.example.yaml shows
// ---------------------------------------------------------------------------------------------

export interface SecretKeyRef {
  /** Where it is read: workload, container and variable. */
  at: string;
  name: string;
  key: string;
  optional: boolean;
}

/** The containers (init containers too) of a workload's pod template, with a label each. */
function podContainers(workload: Dict, where: string): Array<{ container: Dict; at: string }> {
  const pod = podSpecOf(workload) ?? {};
  const name = `${where} ${workloadName(workload)}`;
  return [
    ...list(pod.initContainers).map((entry) => ({ entry, kind: 'init container' })),
    ...list(pod.containers).map((entry) => ({ entry, kind: 'container' })),
  ].flatMap(({ entry, kind }, index) => {
    const container = dict(entry);
    if (!container) return [];
    return [{ container, at: `${name} ${kind} "${text(container.name) ?? `#${index}`}"` }];
  });
}

/** Every `env[].valueFrom.secretKeyRef` of a workload's containers (init containers included). */
export function secretKeyRefs(workload: unknown, where: string): SecretKeyRef[] {
  if (!isWorkload(workload)) return [];
  return podContainers(workload, where).flatMap(({ container, at }) =>
    list(container.env).flatMap((entry) => {
      const ref = dict(pathGet(entry, 'valueFrom', 'secretKeyRef'));
      if (!ref) return [];
      return [
        {
          at: `${at} env ${text(pathGet(entry, 'name')) ?? '?'}`,
          name: text(ref.name) ?? '',
          key: text(ref.key) ?? '',
          optional: ref.optional === true,
        },
      ];
    }),
  );
}

/**
 * Every container of the workload, init containers included (a `migrate` init container loads
 * the same configuration), sets each of `variables` from a required Secret key: not a literal
 * value a manifest would commit, not a ConfigMap, not `optional` (a missing Secret must stop the
 * pod, not start it on a built-in default).
 */
export function checkSecretEnv(workload: unknown, where: string, variables: readonly string[]): string[] {
  if (!isWorkload(workload)) return [`${where}: not a workload`];
  const problems: string[] = [];
  for (const { container, at } of podContainers(workload, where)) {
    for (const variable of variables) {
      const entries = list(container.env).filter((entry) => pathGet(entry, 'name') === variable);
      const entry = entries[entries.length - 1];
      const ref = dict(pathGet(entry, 'valueFrom', 'secretKeyRef'));
      if (entry === undefined) problems.push(`${at}: does not set ${variable}`);
      else if (pathGet(entry, 'value') !== undefined) problems.push(`${at}: ${variable} is a literal value`);
      else if (!ref) problems.push(`${at}: ${variable} is not read from a Secret (valueFrom.secretKeyRef)`);
      else if (!text(ref.name) || !text(ref.key)) problems.push(`${at}: ${variable} names no Secret and key`);
      else if (ref.optional === true) problems.push(`${at}: ${variable} comes from an optional Secret key`);
    }
  }
  return problems;
}

/**
 * Every Secret key the workloads read is shown, as a placeholder, by a Secret of the example
 * documents (under stringData or data), so whoever deploys knows what to create.
 */
export function checkSecretRefsDocumented(
  refs: readonly SecretKeyRef[],
  examples: readonly unknown[],
  where: string,
): string[] {
  const keys = new Map<string, Set<string>>();
  for (const doc of examples) {
    if (pathGet(doc, 'kind') !== 'Secret') continue;
    const name = text(pathGet(doc, 'metadata', 'name')) ?? '';
    const found = keys.get(name) ?? new Set<string>();
    for (const field of ['stringData', 'data'] as const) {
      for (const key of Object.keys(dict(pathGet(doc, field)) ?? {})) found.add(key);
    }
    keys.set(name, found);
  }
  return refs.flatMap((ref) => {
    const known = keys.get(ref.name);
    if (!known) return [`${ref.at}: Secret ${ref.name} is not in ${where}`];
    if (!known.has(ref.key)) return [`${ref.at}: Secret ${ref.name} in ${where} has no key ${ref.key}`];
    return [];
  });
}

// ---------------------------------------------------------------------------------------------
// Overlay patches: they may change values, never take probes, limits or security away
// ---------------------------------------------------------------------------------------------

const PROTECTED_KEYS = [
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'resources',
  'limits',
  'requests',
  'cpu',
  'memory',
  'securityContext',
  'runAsNonRoot',
  'runAsUser',
  'allowPrivilegeEscalation',
  'privileged',
  'readOnlyRootFilesystem',
  'capabilities',
  'drop',
  'seccompProfile',
] as const;
const PROTECTED_SEGMENT = new RegExp(`/(${PROTECTED_KEYS.join('|')})(/|$)`);

/** Values a patch may not set: they switch a protection off. */
function weakenings(context: Dict, at: string): string[] {
  const problems: string[] = [];
  if (context.runAsNonRoot === false) problems.push(`${at}: sets runAsNonRoot to false`);
  if (context.runAsUser === 0) problems.push(`${at}: sets runAsUser to 0`);
  if (context.allowPrivilegeEscalation === true)
    problems.push(`${at}: sets allowPrivilegeEscalation to true`);
  if (context.privileged === true) problems.push(`${at}: sets privileged`);
  if (context.readOnlyRootFilesystem === false) problems.push(`${at}: sets readOnlyRootFilesystem to false`);
  const capabilities = context.capabilities;
  if (capabilities === null) problems.push(`${at}: deletes capabilities`);
  // A strategic merge patch replaces primitive lists: a `drop` without ALL loses ALL.
  const drop = pathGet(capabilities, 'drop');
  if (drop !== undefined && !list(drop).includes('ALL'))
    problems.push(`${at}: capabilities.drop without ALL`);
  const added = list(pathGet(capabilities, 'add')).filter((cap) => cap !== 'NET_BIND_SERVICE');
  if (added.length > 0) problems.push(`${at}: adds capabilities ${show(added)}`);
  return problems;
}

/** Strategic-merge directives that delete or wholesale replace what the base defines. */
function destructiveDirectives(value: unknown, at: string): string[] {
  const problems: string[] = [];
  const visit = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      (node as unknown[]).forEach((item, index) => visit(item, `${path}[${index}]`));
      return;
    }
    if (!isDict(node)) return;
    for (const [key, child] of Object.entries(node)) {
      if (key === '$patch' && (child === 'delete' || child === 'replace')) {
        problems.push(`${at}: $patch: ${String(child)} at ${path || '/'}`);
      } else if (key === '$retainKeys' || key.startsWith('$deleteFromPrimitiveList/')) {
        problems.push(`${at}: ${key} at ${path || '/'}`);
      }
      visit(child, `${path}/${key}`);
    }
  };
  visit(value, '');
  return problems;
}

function checkContainerPatch(container: Dict, at: string): string[] {
  const problems: string[] = [];
  for (const key of [
    'livenessProbe',
    'readinessProbe',
    'startupProbe',
    'resources',
    'securityContext',
  ] as const) {
    if (key in container && container[key] === null) problems.push(`${at}: deletes ${key}`);
  }
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
    const value = container[probe];
    if (value !== undefined && value !== null && !isDict(value))
      problems.push(`${at}: ${probe} is not an object`);
  }
  const resources = dict(container.resources);
  if (resources) {
    for (const section of ['requests', 'limits'] as const) {
      if (section in resources && !isDict(resources[section]))
        problems.push(`${at}: deletes resources.${section}`);
      const values = dict(resources[section]);
      for (const resource of ['cpu', 'memory'] as const) {
        if (values && resource in values && (values[resource] === null || values[resource] === '')) {
          problems.push(`${at}: deletes resources.${section}.${resource}`);
        }
      }
    }
  }
  const context = dict(container.securityContext);
  if (context) problems.push(...weakenings(context, `${at} securityContext`));
  return problems;
}

function checkStrategicMergePatch(patch: Dict, where: string): string[] {
  const name = `${where} ${workloadName(patch)}`;
  const problems = destructiveDirectives(patch, name);
  const pod = podSpecOf(patch);
  if (!pod) return problems;
  if ('securityContext' in pod && pod.securityContext === null)
    problems.push(`${name}: deletes the pod securityContext`);
  const podContext = dict(pod.securityContext);
  if (podContext) problems.push(...weakenings(podContext, `${name} pod securityContext`));
  for (const flag of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (pod[flag] === true) problems.push(`${name}: sets ${flag}`);
  }
  for (const field of ['containers', 'initContainers'] as const) {
    if (field in pod && pod[field] === null) problems.push(`${name}: deletes ${field}`);
    list(pod[field]).forEach((entry, index) => {
      const container = dict(entry);
      if (container) {
        problems.push(
          ...checkContainerPatch(container, `${name} ${field}[${text(container.name) ?? index}]`),
        );
      }
    });
  }
  return problems;
}

/** A container a JSON patch adds whole: complete on its own (pod-level runAsNonRoot and seccomp are inherited). */
function checkAddedContainer(container: Dict, init: boolean, at: string): string[] {
  const inherited: Dict = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  };
  const problems = [...checkResources(container, at), ...checkContainerSecurity(container, inherited, at)];
  if (!init) {
    for (const probe of ['livenessProbe', 'readinessProbe'] as const) {
      if (!hasProbeHandler(container[probe])) problems.push(`${at}: no ${probe}`);
    }
  }
  return problems;
}

/** What a JSON patch writes at a protected path: it must not be incomplete or weaker. */
function checkProtectedValue(path: string, value: unknown, at: string): string[] {
  if (value === null || value === undefined) return [`${at}: sets a protected field to null`];
  const leaf = path.slice(path.lastIndexOf('/') + 1);
  const problems: string[] = [];
  switch (leaf) {
    case 'resources':
    case 'limits':
    case 'requests': {
      const sections = leaf === 'resources' ? (['requests', 'limits'] as const) : [leaf];
      for (const section of sections) {
        const values = leaf === 'resources' ? pathGet(value, section) : value;
        for (const resource of ['cpu', 'memory'] as const) {
          if (pathGet(values, resource) === undefined)
            problems.push(`${at}: leaves out ${section}.${resource}`);
        }
      }
      break;
    }
    case 'livenessProbe':
    case 'readinessProbe':
    case 'startupProbe':
      if (!hasProbeHandler(value)) problems.push(`${at}: probe without a handler`);
      break;
    case 'securityContext': {
      const context = dict(value) ?? {};
      problems.push(...weakenings(context, at));
      if (/\/(containers|initContainers)\/\d+\/securityContext$/.test(path)) {
        if (context.allowPrivilegeEscalation !== false)
          problems.push(`${at}: without allowPrivilegeEscalation: false`);
        if (context.readOnlyRootFilesystem !== true)
          problems.push(`${at}: without readOnlyRootFilesystem: true`);
        if (!list(pathGet(context, 'capabilities', 'drop')).includes('ALL'))
          problems.push(`${at}: without capabilities.drop ALL`);
      }
      break;
    }
    case 'capabilities':
      problems.push(...weakenings({ capabilities: value }, at));
      if (!list(pathGet(value, 'drop')).includes('ALL'))
        problems.push(`${at}: capabilities without drop ALL`);
      break;
    case 'drop':
      problems.push(...weakenings({ capabilities: { drop: value } }, at));
      break;
    case 'seccompProfile': {
      const type = pathGet(value, 'type');
      if (type !== 'RuntimeDefault' && type !== 'Localhost')
        problems.push(`${at}: seccompProfile.type ${show(type)}`);
      break;
    }
    default:
      if (/\/drop\/\d+$/.test(path)) problems.push(`${at}: overwrites an entry of capabilities.drop`);
      else problems.push(...weakenings({ [leaf]: value }, at));
  }
  return problems;
}

/** A JSON 6902 patch (list of operations) touching protected fields. */
export function checkJsonPatch(operations: readonly unknown[], where: string): string[] {
  const problems: string[] = [];
  operations.forEach((entry, index) => {
    const operation = dict(entry);
    const op = text(operation?.op);
    const path = text(operation?.path) ?? '';
    const at = `${where} operation #${index} (${op ?? '?'} ${path})`;
    if (!operation || !op) {
      problems.push(`${at}: not a JSON patch operation`);
      return;
    }
    const protectedPath = PROTECTED_SEGMENT.test(path);
    const wholeContainer = /\/(containers|initContainers)\/(\d+|-)$/.exec(path);
    switch (op) {
      case 'remove':
        if (protectedPath) problems.push(`${at}: removes a probe, resource or security setting`);
        if (/\/(containers|initContainers|template|spec)$/.test(path))
          problems.push(`${at}: removes ${path}`);
        break;
      case 'move':
      case 'copy':
        if (op === 'move' && PROTECTED_SEGMENT.test(text(operation.from) ?? '')) {
          problems.push(`${at}: moves a protected field away`);
        }
        if (protectedPath || wholeContainer) problems.push(`${at}: overwrites a protected field`);
        break;
      case 'add':
      case 'replace':
        if (protectedPath) {
          problems.push(...checkProtectedValue(path, operation.value, at));
        } else if (wholeContainer) {
          const container = dict(operation.value);
          if (!container) problems.push(`${at}: a container that is not an object`);
          else problems.push(...checkAddedContainer(container, wholeContainer[1] === 'initContainers', at));
        }
        break;
      case 'test':
        break;
      default:
        problems.push(`${at}: unknown operation`);
    }
  });
  return problems;
}

/**
 * A patch an overlay applies to a workload: a strategic merge patch (partial object) or a JSON
 * 6902 patch (list of operations). It may change values but not delete or weaken probes,
 * resources or the security context. Patches of other kinds (HPA, ConfigMap...) pass.
 */
export function checkWorkloadPatch(patch: unknown, where: string): string[] {
  if (Array.isArray(patch)) return checkJsonPatch(patch as unknown[], where);
  if (!isWorkload(patch)) return [];
  return checkStrategicMergePatch(patch, where);
}

// ---------------------------------------------------------------------------------------------
// Kustomizations
// ---------------------------------------------------------------------------------------------

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

export interface KustomizationRef {
  field: string;
  path: string;
  /** Resources and components may be folders holding their own kustomization. */
  mayBeDirectory: boolean;
}

export interface InlinePatch {
  field: string;
  source: string;
}

const REMOTE = /^(https?:\/\/|git@|ssh:\/\/|github\.com\/|gitlab\.com\/|bitbucket\.org\/)|\?ref=|\/\/.*\?/;

function generatorFile(entry: string): string {
  const eq = entry.indexOf('=');
  return eq >= 0 ? entry.slice(eq + 1) : entry;
}

/** Inline YAML rather than a file name (patchesStrategicMerge allows both). */
function looksInline(entry: string): boolean {
  return entry.includes('\n') || /^\s*(apiVersion|kind|-\s+op)\s*:/.test(entry);
}

/** Every local file or folder a kustomization refers to (remote bases are left out). */
export function kustomizationRefs(kustomization: unknown): KustomizationRef[] {
  const refs: KustomizationRef[] = [];
  const add = (field: string, value: unknown, mayBeDirectory = false): void => {
    const path = text(value);
    if (path !== undefined && path !== '' && !REMOTE.test(path)) refs.push({ field, path, mayBeDirectory });
  };
  for (const field of ['resources', 'bases', 'components'] as const) {
    for (const entry of list(pathGet(kustomization, field))) add(field, entry, true);
  }
  for (const field of ['crds', 'generators', 'transformers', 'validators'] as const) {
    for (const entry of list(pathGet(kustomization, field))) {
      if (!looksInline(text(entry) ?? '')) add(field, entry);
    }
  }
  for (const entry of list(pathGet(kustomization, 'patches'))) add('patches', pathGet(entry, 'path'));
  for (const entry of list(pathGet(kustomization, 'patchesJson6902')))
    add('patchesJson6902', pathGet(entry, 'path'));
  for (const entry of list(pathGet(kustomization, 'patchesStrategicMerge'))) {
    const value = text(entry);
    if (value !== undefined && !looksInline(value)) add('patchesStrategicMerge', value);
  }
  for (const entry of list(pathGet(kustomization, 'replacements')))
    add('replacements', pathGet(entry, 'path'));
  for (const field of ['configMapGenerator', 'secretGenerator'] as const) {
    for (const generator of list(pathGet(kustomization, field))) {
      for (const file of list(pathGet(generator, 'files')))
        add(`${field}.files`, generatorFile(text(file) ?? ''));
      for (const file of list(pathGet(generator, 'envs'))) add(`${field}.envs`, file);
      add(`${field}.env`, pathGet(generator, 'env'));
    }
  }
  add('openapi.path', pathGet(kustomization, 'openapi', 'path'));
  return refs;
}

/** Patches written inline in the kustomization itself. */
export function inlinePatches(kustomization: unknown): InlinePatch[] {
  const patches: InlinePatch[] = [];
  for (const field of ['patches', 'patchesJson6902'] as const) {
    for (const entry of list(pathGet(kustomization, field))) {
      const source = text(pathGet(entry, 'patch'));
      if (source !== undefined) patches.push({ field, source });
    }
  }
  for (const entry of list(pathGet(kustomization, 'patchesStrategicMerge'))) {
    const source = text(entry);
    if (source !== undefined && looksInline(source)) patches.push({ field: 'patchesStrategicMerge', source });
  }
  return patches;
}

export function kustomizationFileIn(dir: string): string | undefined {
  return KUSTOMIZATION_FILES.map((name) => join(dir, name)).find((file) => existsSync(file));
}

/** Every file a kustomization lists exists; every folder it lists holds a kustomization. */
export function checkKustomization(kustomization: unknown, file: string): string[] {
  if (!isDict(kustomization)) return [`${file}: not a kustomization object`];
  const problems: string[] = [];
  const dir = dirname(file);
  for (const ref of kustomizationRefs(kustomization)) {
    const target = resolve(dir, ref.path);
    if (!existsSync(target)) {
      problems.push(`${file}: ${ref.field} lists ${ref.path}, which does not exist`);
    } else if (statSync(target).isDirectory()) {
      if (!ref.mayBeDirectory) problems.push(`${file}: ${ref.field} lists ${ref.path}, a folder`);
      else if (!kustomizationFileIn(target))
        problems.push(`${file}: ${ref.field} lists ${ref.path}, a folder without kustomization.yaml`);
    }
  }
  for (const field of ['configMapGenerator', 'secretGenerator'] as const) {
    for (const generator of list(kustomization[field])) {
      for (const literal of list(pathGet(generator, 'literals'))) {
        // `- KEY=value:` unquoted is a YAML mapping, not the string kustomize expects.
        if (typeof literal !== 'string' || !/^[^=]+=/.test(literal)) {
          problems.push(`${file}: ${field} literal ${show(literal)} is not a KEY=value string (quote it)`);
        }
      }
    }
  }
  for (const generator of list(kustomization.secretGenerator)) {
    if (list(pathGet(generator, 'literals')).length > 0) {
      problems.push(
        `${file}: secretGenerator ${text(pathGet(generator, 'name')) ?? '?'} commits secret literals`,
      );
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// docker-compose.yml
// ---------------------------------------------------------------------------------------------

/**
 * Every service has an enabled healthcheck, every depends_on entry waits for
 * `condition: service_healthy` (the list form only waits for the start), and every build
 * points at a Dockerfile that exists (when `root` is given).
 */
export function checkCompose(compose: unknown, where: string, root?: string): string[] {
  const services = dict(pathGet(compose, 'services'));
  if (!services || Object.keys(services).length === 0) return [`${where}: no services`];
  const problems: string[] = [];
  for (const [name, value] of Object.entries(services)) {
    const at = `${where} service ${name}`;
    const service = dict(value);
    if (!service) {
      problems.push(`${at}: not an object`);
      continue;
    }
    const healthcheck = dict(service.healthcheck);
    const test = healthcheck?.test;
    const testParts = typeof test === 'string' ? [test] : list(test);
    if (!healthcheck || healthcheck.disable === true || testParts.length === 0 || testParts[0] === 'NONE') {
      problems.push(`${at}: no healthcheck`);
    }
    const dependsOn = service.depends_on;
    if (Array.isArray(dependsOn)) {
      problems.push(`${at}: depends_on is a list (waits for start only); use condition: service_healthy`);
    } else if (dependsOn !== undefined) {
      const entries = dict(dependsOn);
      if (!entries) problems.push(`${at}: depends_on is not a map`);
      for (const [dependency, spec] of Object.entries(entries ?? {})) {
        const condition = pathGet(spec, 'condition');
        if (condition !== 'service_healthy') {
          problems.push(
            `${at}: depends_on ${dependency} has condition ${show(condition)}, not service_healthy`,
          );
        }
        if (!(dependency in services)) problems.push(`${at}: depends_on unknown service ${dependency}`);
      }
    }
    if (root !== undefined && service.build !== undefined) {
      const build = service.build;
      const context = text(build) ?? text(pathGet(build, 'context')) ?? '.';
      const dockerfile = text(pathGet(build, 'dockerfile')) ?? 'Dockerfile';
      if (!existsSync(resolve(root, context, dockerfile))) {
        problems.push(`${at}: build Dockerfile ${context}/${dockerfile} does not exist`);
      }
    }
  }
  return problems;
}

/** A YAML scalar as compose reads it (`PORT: 3001` is "3001"), or undefined. */
function scalar(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : undefined;
}

/** A compose map-or-list of KEY=value (build.args, environment) as a map; `KEY` alone is undefined. */
export function composeMap(value: unknown): Map<string, string | undefined> {
  const entries = new Map<string, string | undefined>();
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) {
      const entry = scalar(item) ?? '';
      const eq = entry.indexOf('=');
      entries.set(eq < 0 ? entry : entry.slice(0, eq), eq < 0 ? undefined : entry.slice(eq + 1));
    }
  } else {
    for (const [key, item] of Object.entries(dict(value) ?? {})) {
      entries.set(key, scalar(item));
    }
  }
  return entries;
}

/** The container ports a service publishes (short `[ip:]host:container[/proto]` or long `target`). */
export function composeContainerPorts(service: unknown): string[] {
  return list(pathGet(service, 'ports')).map((port) => {
    if (isDict(port)) return scalar(port.target) ?? '';
    const spec = scalar(port) ?? '';
    return (spec.split(':').pop() ?? '').replace(/\/\w+$/, '');
  });
}

export interface SharedImageRules {
  /** The shared Dockerfile, as compose names it (relative to the build context). */
  dockerfile: string;
  /** The apps it builds, each by the service of the same name, with its port. */
  apps: ReadonlyArray<{ app: string; port: number }>;
}

/**
 * Every app is built by its compose service from the shared Dockerfile, and every service built
 * from it passes APP (a known app: the service's own when the service is named after one) and
 * PORT (that app's port, the PORT the service's environment sets and the container port it
 * publishes).
 */
export function checkSharedImageBuilds(compose: unknown, where: string, rules: SharedImageRules): string[] {
  const services = dict(pathGet(compose, 'services')) ?? {};
  const problems: string[] = [];
  const ports = new Map(rules.apps.map(({ app, port }) => [app, String(port)]));
  for (const { app } of rules.apps) {
    if (text(pathGet(services, app, 'build', 'dockerfile')) !== rules.dockerfile) {
      problems.push(`${where} service ${app}: not built from ${rules.dockerfile}`);
    }
  }
  for (const [name, service] of Object.entries(services)) {
    if (text(pathGet(service, 'build', 'dockerfile')) !== rules.dockerfile) continue;
    const at = `${where} service ${name}`;
    const args = composeMap(pathGet(service, 'build', 'args'));
    const app = args.get('APP');
    const port = args.get('PORT');
    if (app === undefined || app === '') problems.push(`${at}: build arg APP is not set`);
    else if (!ports.has(app))
      problems.push(`${at}: build arg APP=${app} is not one of ${[...ports.keys()].join(', ')}`);
    else if (ports.has(name) && app !== name)
      problems.push(`${at}: build arg APP=${app} builds another service`);
    if (port === undefined || port === '') {
      problems.push(`${at}: build arg PORT is not set`);
      continue;
    }
    const expected = app === undefined ? undefined : ports.get(app);
    if (expected !== undefined && port !== expected) {
      problems.push(`${at}: build arg PORT=${port}, but ${app ?? '?'} listens on ${expected}`);
    }
    const envPort = composeMap(pathGet(service, 'environment')).get('PORT');
    if (envPort !== undefined && envPort !== port) {
      problems.push(`${at}: environment PORT=${envPort} differs from build arg PORT=${port}`);
    }
    if (!composeContainerPorts(service).includes(port)) {
      problems.push(`${at}: publishes no container port ${port}`);
    }
  }
  return problems;
}

/** `${NAME:?message}` as compose writes it: the whole value, an interpolation with its operator. */
const COMPOSE_INTERPOLATION = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?+])?([^}]*)\}$/;

/**
 * Each of `services` passes each of `variables` from the host environment as a required value,
 * `${NAME:?message}`: compose stops with the message when it is unset or empty. A literal or a
 * `${NAME:-default}` would start every such stack with the same, publicly known value.
 */
export function checkComposeRequiredEnv(
  compose: unknown,
  where: string,
  rules: { services: readonly string[]; variables: readonly string[] },
): string[] {
  const problems: string[] = [];
  for (const name of rules.services) {
    const at = `${where} service ${name}`;
    const service = pathGet(compose, 'services', name);
    if (!isDict(service)) {
      problems.push(`${at}: no such service`);
      continue;
    }
    const environment = composeMap(service.environment);
    for (const variable of rules.variables) {
      const value = environment.get(variable);
      if (!environment.has(variable)) {
        problems.push(`${at}: environment does not set ${variable}`);
        continue;
      }
      const match = value === undefined ? null : COMPOSE_INTERPOLATION.exec(value);
      if (!match) {
        problems.push(`${at}: ${variable}=${show(value)} is not \${${variable}:?message}`);
      } else if (match[1] !== variable) {
        problems.push(`${at}: ${variable} reads \${${match[1] ?? ''}} instead`);
      } else if (match[2] !== ':?') {
        problems.push(
          `${at}: ${variable} is not required (\${${variable}${match[2] ?? ''}...}, expected :?)`,
        );
      } else if ((match[3] ?? '').trim() === '') {
        problems.push(`${at}: ${variable} is required without a message saying how to set it`);
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Dockerfiles
// ---------------------------------------------------------------------------------------------

export interface DockerInstruction {
  keyword: string;
  args: string;
  line: number;
}

/** Instructions of a Dockerfile: comments dropped, `\` continuations joined. */
export function parseDockerfile(source: string): DockerInstruction[] {
  const instructions: DockerInstruction[] = [];
  let pending: { text: string; line: number } | undefined;
  source.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#')) return; // comments (also inside continuations) and directives
    if (pending === undefined && trimmed === '') return;
    const continued = /\\\s*$/.test(raw);
    const piece = continued ? raw.replace(/\\\s*$/, '') : raw;
    pending = pending
      ? { text: `${pending.text} ${piece.trim()}`, line: pending.line }
      : { text: piece.trim(), line: index + 1 };
    if (!continued) {
      const match = /^(\S+)\s*([\s\S]*)$/.exec(pending.text);
      if (match?.[1])
        instructions.push({
          keyword: match[1].toUpperCase(),
          args: (match[2] ?? '').trim(),
          line: pending.line,
        });
      pending = undefined;
    }
  });
  return instructions;
}

/** The instructions after the last FROM (what the final image is built from). */
export function finalStage(instructions: readonly DockerInstruction[]): DockerInstruction[] {
  let start = -1;
  instructions.forEach((instruction, index) => {
    if (instruction.keyword === 'FROM') start = index;
  });
  return start < 0 ? [] : instructions.slice(start);
}

/** The arguments of an exec-form (JSON array) instruction such as CMD, or undefined. */
export function execForm(args: string): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(args);
    const parts = list(parsed);
    return Array.isArray(parsed) && parts.every((part): part is string => typeof part === 'string')
      ? parts
      : undefined;
  } catch {
    return undefined;
  }
}

export interface DockerfileRules {
  /** Every external base image (stages may build on each other). */
  baseImage: string;
}

/**
 * Multi-stage, every external FROM on the expected base image, and a final stage that switches
 * to a non-root USER and declares a HEALTHCHECK and a CMD/ENTRYPOINT.
 */
export function checkDockerfile(
  source: string,
  where: string,
  rules: DockerfileRules = { baseImage: 'node:22-slim' },
): string[] {
  const instructions = parseDockerfile(source);
  const problems: string[] = [];
  const froms = instructions.filter((instruction) => instruction.keyword === 'FROM');
  if (froms.length < 2)
    problems.push(`${where}: ${froms.length} FROM instruction(s); expected a multi-stage build`);
  const stages = new Set<string>();
  const allowed = new Set([rules.baseImage, `docker.io/library/${rules.baseImage}`]);
  for (const from of froms) {
    const words = from.args.split(/\s+/).filter((word) => !word.startsWith('--'));
    const image = words[0] ?? '';
    const alias = words[1]?.toUpperCase() === 'AS' ? words[2] : undefined;
    const imageName = image.replace(/@sha256:[0-9a-f]{64}$/, '');
    if (!stages.has(image.toLowerCase()) && !allowed.has(imageName)) {
      problems.push(`${where}:${from.line}: FROM ${image}, expected ${rules.baseImage}`);
    }
    if (alias) stages.add(alias.toLowerCase());
  }
  const last = finalStage(instructions);
  const users = last.filter((instruction) => instruction.keyword === 'USER');
  const user = users[users.length - 1];
  if (!user) {
    problems.push(`${where}: the final stage has no USER instruction (it would run as root)`);
  } else {
    const name = user.args.split(':')[0]?.trim() ?? '';
    if (name === '' || name === 'root' || name === '0')
      problems.push(`${where}:${user.line}: USER ${user.args} is root`);
  }
  const healthcheck = last.find((instruction) => instruction.keyword === 'HEALTHCHECK');
  if (!healthcheck || /^NONE$/i.test(healthcheck.args))
    problems.push(`${where}: the final stage has no HEALTHCHECK`);
  if (!last.some((instruction) => instruction.keyword === 'CMD' || instruction.keyword === 'ENTRYPOINT')) {
    problems.push(`${where}: the final stage has no CMD or ENTRYPOINT`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Dockerfile build arguments: stage scopes and required-argument guards
// ---------------------------------------------------------------------------------------------

export interface DockerStage {
  /** Position among the FROM instructions (what `COPY --from=<n>` refers to). */
  index: number;
  /** The `AS` alias, lower-cased, if any. */
  name?: string;
  /** The image or stage the FROM names. */
  base: string;
  from: DockerInstruction;
  /** The stage's instructions after its FROM. */
  instructions: DockerInstruction[];
}

export interface DockerStages {
  /** Instructions before the first FROM (global ARGs, usable in FROM lines only). */
  global: DockerInstruction[];
  stages: DockerStage[];
}

export function dockerStages(instructions: readonly DockerInstruction[]): DockerStages {
  const global: DockerInstruction[] = [];
  const stages: DockerStage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      const alias = words[1]?.toUpperCase() === 'AS' ? words[2]?.toLowerCase() : undefined;
      stages.push({
        index: stages.length,
        ...(alias ? { name: alias } : {}),
        base: words[0] ?? '',
        from: instruction,
        instructions: [],
      });
    } else {
      (stages[stages.length - 1]?.instructions ?? global).push(instruction);
    }
  }
  return { global, stages };
}

/** Instructions whose arguments the builder expands ($VAR, ${VAR}) before running anything. */
const EXPANDED_KEYWORDS: ReadonlySet<string> = new Set([
  'ADD',
  'ARG',
  'COPY',
  'ENV',
  'EXPOSE',
  'FROM',
  'LABEL',
  'ONBUILD',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
]);

/**
 * Variables an instruction reads at build time: expanded by the builder, or (RUN) by the shell,
 * which sees the stage's ARG and ENV values. CMD, ENTRYPOINT and HEALTHCHECK read the container's
 * environment at run time, so they read none.
 */
export function buildTimeVariables(instruction: DockerInstruction): string[] {
  if (instruction.keyword !== 'RUN' && !EXPANDED_KEYWORDS.has(instruction.keyword)) return [];
  const names = new Set<string>();
  for (const match of instruction.args.matchAll(/(?<!\\)\$(?:\{([A-Za-z_]\w*)|([A-Za-z_]\w*))/g)) {
    names.add(match[1] ?? match[2] ?? '');
  }
  return [...names];
}

/** Names an ARG instruction declares, with whether each has a default value. */
export function declaredArgs(instruction: DockerInstruction): Array<{ name: string; hasDefault: boolean }> {
  if (instruction.keyword !== 'ARG') return [];
  return instruction.args
    .split(/\s+/)
    .filter((word) => word !== '')
    .map((word) => {
      const eq = word.indexOf('=');
      return { name: eq < 0 ? word : word.slice(0, eq), hasDefault: eq >= 0 };
    });
}

/** Names an ENV instruction sets (`ENV A=1 B=2`, or the legacy `ENV A 1`). */
export function declaredEnv(instruction: DockerInstruction): string[] {
  if (instruction.keyword !== 'ENV') return [];
  const words = instruction.args.split(/\s+/).filter((word) => word !== '');
  if (words[0] !== undefined && !words[0].includes('=')) return [words[0]];
  return words.flatMap((word) => /^([A-Za-z_]\w*)=/.exec(word)?.[1] ?? []);
}

/** The stage an instruction's `--from=` (COPY) or `--mount=...,from=` (RUN) names, if any. */
function stageRefs(instruction: DockerInstruction): string[] {
  const refs: string[] = [];
  for (const match of instruction.args.matchAll(/(?:^|\s)--from=(\S+)/g)) refs.push(match[1] ?? '');
  if (instruction.keyword === 'RUN') {
    for (const match of instruction.args.matchAll(/--mount=(\S+)/g)) {
      const from = /(?:^|,)from=([^,\s]+)/.exec(match[1] ?? '');
      if (from?.[1]) refs.push(from[1]);
    }
  }
  return refs.map((ref) => ref.toLowerCase());
}

function findStage(stages: readonly DockerStage[], ref: string, before: number): DockerStage | undefined {
  return /^\d+$/.test(ref)
    ? stages[Number(ref)]
    : stages.slice(0, before).find((stage) => stage.name === ref.toLowerCase());
}

/**
 * Every build argument the file declares is declared again (ARG) in each stage that reads it, before
 * it reads it: an ARG is scoped to the stage it appears in, and one before the first FROM is
 * visible to FROM lines only. ENV values count (also those of the stage a stage is built FROM).
 */
export function checkArgScopes(source: string, where: string): string[] {
  const { global, stages } = dockerStages(parseDockerfile(source));
  const buildArgs = new Set(
    [...global, ...stages.flatMap((stage) => stage.instructions)].flatMap((instruction) =>
      declaredArgs(instruction).map((arg) => arg.name),
    ),
  );
  const globalArgs = new Set(global.flatMap((instruction) => declaredArgs(instruction).map((a) => a.name)));
  const problems: string[] = [];
  const envAtEnd = new Map<number, Set<string>>();
  for (const stage of stages) {
    const label = stage.name ?? `#${stage.index}`;
    for (const name of buildTimeVariables(stage.from)) {
      if (buildArgs.has(name) && !globalArgs.has(name)) {
        problems.push(
          `${where}:${stage.from.line}: FROM uses ${name}, which no ARG before the first FROM declares`,
        );
      }
    }
    const parent = findStage(stages, stage.base, stage.index);
    const env = new Set(parent ? (envAtEnd.get(parent.index) ?? []) : []);
    const args = new Set<string>();
    for (const instruction of stage.instructions) {
      for (const name of buildTimeVariables(instruction)) {
        if (buildArgs.has(name) && !args.has(name) && !env.has(name)) {
          problems.push(
            `${where}:${instruction.line}: ${instruction.keyword} uses ${name}, but stage ${label} does not declare ARG ${name} before it (an ARG is scoped to its stage)`,
          );
        }
      }
      for (const arg of declaredArgs(instruction)) args.add(arg.name);
      for (const name of declaredEnv(instruction)) env.add(name);
    }
    envAtEnd.set(stage.index, env);
  }
  return problems;
}

export interface ArgGuard {
  stage: DockerStage;
  /** The RUN that validates the argument: the stage's first instruction reading it. */
  run: DockerInstruction;
}

/**
 * The guards of a build argument: in each stage declaring it, the first instruction that reads it,
 * when that is a RUN (the spec runs its script to prove it rejects bad values).
 */
export function argGuards(source: string, name: string): ArgGuard[] {
  const guards: ArgGuard[] = [];
  for (const stage of dockerStages(parseDockerfile(source)).stages) {
    const declared = stage.instructions.findIndex((i) => declaredArgs(i).some((arg) => arg.name === name));
    if (declared < 0) continue;
    const first = stage.instructions
      .slice(declared + 1)
      .find((instruction) => buildTimeVariables(instruction).includes(name));
    if (first?.keyword === 'RUN') guards.push({ stage, run: first });
  }
  return guards;
}

/**
 * A required build argument: declared without a default, validated by a guard RUN before any
 * other RUN reads it (in the same stage, or in a stage this one is built FROM or copies from
 * first), and the final stage depends on a guard, so a bad value fails every image build.
 */
export function checkRequiredArg(source: string, where: string, name: string): string[] {
  const { global, stages } = dockerStages(parseDockerfile(source));
  const problems: string[] = [];
  for (const instruction of [...global, ...stages.flatMap((stage) => stage.instructions)]) {
    for (const arg of declaredArgs(instruction)) {
      if (arg.name === name && arg.hasDefault)
        problems.push(`${where}:${instruction.line}: ARG ${name} has a default; it must be required`);
    }
  }
  const guards = argGuards(source, name);
  if (guards.length === 0) {
    problems.push(`${where}: no stage validates ARG ${name} (a RUN that reads it before anything else)`);
  }
  const guardIn = new Map(guards.map((guard) => [guard.stage.index, guard.run.line]));
  // A stage's final state includes a guard: its own, or one of a stage it builds on or copies from.
  const guarded = new Map<number, boolean>();
  for (const stage of stages) {
    const deps = [stage.base, ...stage.instructions.flatMap(stageRefs)]
      .map((ref) => findStage(stages, ref, stage.index))
      .filter((dep): dep is DockerStage => dep !== undefined);
    guarded.set(stage.index, guardIn.has(stage.index) || deps.some((dep) => guarded.get(dep.index) === true));
  }
  for (const stage of stages) {
    const parent = findStage(stages, stage.base, stage.index);
    let safe = parent !== undefined && guarded.get(parent.index) === true;
    for (const instruction of stage.instructions) {
      if (stageRefs(instruction).some((ref) => guarded.get(findStage(stages, ref, stage.index)?.index ?? -1)))
        safe = true;
      if (instruction.line === guardIn.get(stage.index)) {
        safe = true;
        continue;
      }
      if (!safe && instruction.keyword === 'RUN' && buildTimeVariables(instruction).includes(name)) {
        problems.push(`${where}:${instruction.line}: RUN reads ${name} before any guard has validated it`);
      }
    }
  }
  const last = stages[stages.length - 1];
  if (last && guards.length > 0 && guarded.get(last.index) !== true) {
    problems.push(`${where}: the final stage does not depend on the stage that validates ARG ${name}`);
  }
  return problems;
}
