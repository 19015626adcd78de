/**
 * Test helpers for the policy rules: build small Terraform and Kubernetes objects, or take real ones from the
 * committed dist/ and break them with path edits, and declare Compliance / Noncompliance cases.
 */
import * as path from 'node:path';
import { expect, test } from 'vitest';
import { stringify } from 'yaml';
import { REPO_ROOT } from '../upstream-cache';
import type { KubernetesObject, TerraformResource, TerraformStack } from '../dist';
import {
  kubernetesObjects,
  parseYamlObjects,
  readKubernetesFile,
  readTerraformFile,
  terraformStackFromJson,
} from '../dist';
import type { ObjectResult, Rule, RuleResult } from './lib/rule';

/** The account of the test and dist/ environments. */
export const ACCOUNT = '111122223333';

/** Blocks keyed by type then name, as in cdk.tf.json. */
export type Blocks = Record<string, Record<string, Record<string, unknown>>>;

/**
 * Edits to apply to a JSON or YAML object: a dotted path (`resource.aws_kms_key.key.policy`, list indexes as numbers:
 * `spec.templates.1.container`) to the new value; `undefined` deletes the key.
 */
export type Edits = Readonly<Record<string, unknown>>;

/** Applies {@link Edits} to a deep copy of `value` and returns the copy. */
export function edited<T>(value: T, edits: Edits = {}): T {
  const copy = structuredClone(value);
  for (const [at, newValue] of Object.entries(edits)) {
    const segments = at.split('.');
    let node = copy as unknown as Record<string, unknown>;
    for (const segment of segments.slice(0, -1)) {
      if (node[segment] === undefined || node[segment] === null) node[segment] = {};
      node = node[segment] as Record<string, unknown>;
    }
    const last = segments[segments.length - 1];
    if (newValue === undefined) delete node[last];
    else node[last] = newValue;
  }
  return copy;
}

/** A stack from hand-made blocks, with the provider's allowed account. */
export function stack(
  resources: Blocks,
  data: Blocks = {},
  accountIds: readonly string[] = [ACCOUNT],
): TerraformStack {
  return terraformStackFromJson('dev-test', 'dist/terraform/stacks/dev-test/cdk.tf.json', {
    provider: { aws: [{ allowed_account_ids: accountIds }] },
    resource: resources,
    data,
  });
}

/** One hand-made resource (with optional other blocks of its stack for references). */
export function resource(
  type: string,
  values: Record<string, unknown>,
  others: { resources?: Blocks; data?: Blocks; accountIds?: readonly string[] } = {},
): TerraformResource {
  const all: Blocks = { ...(others.resources ?? {}) };
  all[type] = { ...(all[type] ?? {}), test: values };
  return pick(stack(all, others.data ?? {}, others.accountIds), `${type}.test`);
}

/** The resource at `address` of a stack; fails the test when it is missing. */
export function pick(from: TerraformStack, address: string): TerraformResource {
  const found = from.resources.find((r) => r.address === address);
  if (found === undefined) throw new Error(`${address} is not in stack ${from.stack}`);
  return found;
}

/** The committed dist/ stack `name` (e.g. `dev-foundation`), with edits applied to its JSON. */
export function distStack(name: string, edits: Edits = {}): TerraformStack {
  const { file, json, error } = readTerraformFile(
    path.join(REPO_ROOT, 'dist', 'terraform', 'stacks', name, 'cdk.tf.json'),
    REPO_ROOT,
  );
  if (error !== undefined) throw new Error(`${file}: ${error}`);
  return terraformStackFromJson(name, file, edited(json, edits));
}

/** A resource of a committed dist/ stack, after edits to the stack JSON (`resource.<type>.<name>.<field>`). */
export function distResource(name: string, address: string, edits: Edits = {}): TerraformResource {
  return pick(distStack(name, edits), address);
}

/** A hand-made Kubernetes object, after edits. */
export function k8s(manifest: Record<string, unknown>, edits: Edits = {}): KubernetesObject {
  return k8sAll(manifest, edits)[0];
}

/** A hand-made Kubernetes object followed by the manifests its Argo resource templates embed. */
export function k8sAll(manifest: Record<string, unknown>, edits: Edits = {}): KubernetesObject[] {
  return kubernetesObjects('dist/k8s/dev/test/object.yaml', 'dev', edited(manifest, edits));
}

/** Committed dist/k8s files (paths below dist/k8s) the Kubernetes rule tests break. */
export const DIST_K8S = {
  /** A Deployment (pod template at spec.template.spec). */
  historyServer: 'dev/dev-spark-history/Deployment.spark-history-server.yaml',
  /** A WorkflowTemplate whose resource templates embed SparkApplications (Arc notebooks). */
  customerScd2: 'dev/dev-pipelines/WorkflowTemplate.customer-scd2.yaml',
  /** A CronWorkflow running the customer-scd2 WorkflowTemplate by workflowTemplateRef. */
  customerScd2Cron: 'dev/dev-pipelines/CronWorkflow.customer-scd2.yaml',
  /** The ad-hoc submission WorkflowTemplate (one resource template per size). */
  sparkSubmit: 'dev/dev-adhoc-submit/WorkflowTemplate.spark-submit.yaml',
} as const;

/** The first document of a committed dist/k8s file (path below dist/k8s), freshly parsed (safe to modify). */
export function distManifest(file: string): Record<string, unknown> {
  const k8sDir = path.join(REPO_ROOT, 'dist', 'k8s');
  const [first] = readKubernetesFile(path.join(k8sDir, file), k8sDir, REPO_ROOT).parsed.objects;
  if (first === undefined) throw new Error(`dist/k8s/${file} holds no object`);
  // The parse is cached by content: a copy, so a test's edits never reach another test.
  return structuredClone(first.object);
}

/** The first object of a committed dist/k8s file (path below dist/k8s), after edits. */
export function distObject(file: string, edits: Edits = {}): KubernetesObject {
  return kubernetesObjects(`dist/k8s/${file}`, file.split('/')[0], edited(distManifest(file), edits))[0];
}

/**
 * The SparkApplication a committed Argo WorkflowTemplate (path below dist/k8s) embeds in its resource template
 * `templateName`, after edits to the SparkApplication, as the engine presents it to the rules. The edited manifest is
 * written back into the template as a YAML string and the WorkflowTemplate goes through `kubernetesObjects`, which
 * parses embedded manifests as `make verify` does (namespace and `embeddedIn` included).
 */
export function distSparkApplication(
  file: string,
  templateName: string,
  edits: Edits = {},
): KubernetesObject {
  const workflow = distManifest(file);
  const templates = (workflow.spec as { templates?: Record<string, unknown>[] } | undefined)?.templates ?? [];
  const index = templates.findIndex((t) => t.name === templateName);
  if (index < 0) throw new Error(`dist/k8s/${file} has no template ${templateName}`);
  const resource = templates[index].resource as { manifest?: unknown } | undefined;
  if (resource === undefined || typeof resource.manifest !== 'string') {
    throw new Error(`template ${templateName} of dist/k8s/${file} embeds no manifest`);
  }
  if (Object.keys(edits).length > 0) {
    const inner = parseYamlObjects(resource.manifest).objects;
    if (inner.length !== 1) throw new Error(`template ${templateName} embeds ${inner.length} manifests`);
    resource.manifest = stringify(edited(inner[0].object, edits));
  }
  const found = kubernetesObjects(`dist/k8s/${file}`, file.split('/')[0], workflow).find(
    (o) => o.embeddedIn?.endsWith(` templates[${index}]`) === true,
  );
  if (found?.manifest.kind !== 'SparkApplication') {
    throw new Error(`template ${templateName} of dist/k8s/${file} embeds no SparkApplication`);
  }
  return found;
}

/** The verdict on one object among those a stack or environment rule returned. */
export function resultFor(results: readonly ObjectResult[], object: string): RuleResult {
  const found = results.find((r) => r.object === object);
  if (found === undefined) throw new Error(`no verdict on ${object}: ${JSON.stringify(results)}`);
  return found;
}

/** One case of a rule test: the verdict to compute and, for violations, what the message must say. */
export interface Case {
  readonly name: string;
  readonly result: () => RuleResult;
  readonly message?: RegExp;
}

/**
 * Declares the tests of one rule: `Compliance: …` cases must be compliant, `Noncompliance: …` cases non-compliant
 * (with a matching message), `not applicable: …` cases not applicable.
 */
export function ruleTests(
  rule: Rule,
  cases: { compliant: readonly Case[]; nonCompliant: readonly Case[]; notApplicable?: readonly Case[] },
): void {
  for (const c of cases.compliant) {
    test(`${rule.id} Compliance: ${c.name}`, () => {
      expect(c.result()).toMatchObject({ status: 'compliant' });
    });
  }
  for (const c of cases.nonCompliant) {
    test(`${rule.id} Noncompliance: ${c.name}`, () => {
      const result = c.result();
      expect(result.status).toBe('non-compliant');
      if (c.message !== undefined) expect(result.message).toMatch(c.message);
    });
  }
  for (const c of cases.notApplicable ?? []) {
    test(`${rule.id} not applicable: ${c.name}`, () => {
      expect(c.result().status).toBe('not-applicable');
    });
  }
}

/** A hardened container: non-root, no escalation, all capabilities dropped, RuntimeDefault seccomp, resources. */
export function hardenedContainer(name = 'main'): Record<string, unknown> {
  return {
    name,
    image: '111122223333.dkr.ecr.us-east-1.amazonaws.com/sqletl-dev/spark-runtime:0123456789abcdef',
    securityContext: {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '1Gi' } },
  };
}

/** A Pod that passes every POD and IMG rule. */
export function hardenedPod(): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'spark-jobs' },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [hardenedContainer()],
    },
  };
}

/** A Deployment that passes every POD and IMG rule. */
export function hardenedDeployment(): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'argo' },
    spec: {
      selector: { matchLabels: { app: 'd' } },
      template: {
        metadata: { labels: { app: 'd' } },
        spec: {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [hardenedContainer()],
        },
      },
    },
  };
}

const SPARK_CONTAINER_SECURITY = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** A SparkApplication that passes every POD, IMG and SPARK rule. */
export function hardenedSparkApplication(): Record<string, unknown> {
  return {
    apiVersion: 'sparkoperator.k8s.io/v1beta2',
    kind: 'SparkApplication',
    metadata: { name: 'etl-load', namespace: 'spark-jobs' },
    spec: {
      type: 'Scala',
      mode: 'cluster',
      sparkVersion: '3.3.4',
      image: 'ghcr.io/tripl-ai/arc:arc_4.2.0_spark_3.3.4_scala_2.12_hadoop_3.3.2_4.2.1_slim',
      mainClass: 'ai.tripl.arc.ARC',
      mainApplicationFile: 'local:///opt/spark/jars/arc.jar',
      sparkConf: {
        'spark.authenticate': 'true',
        'spark.network.crypto.enabled': 'true',
        'spark.io.encryption.enabled': 'true',
      },
      driver: {
        cores: 1,
        coreLimit: '1',
        memory: '2g',
        serviceAccount: 'spark-job-runner',
        nodeSelector: { 'sql-etl-on-eks/pool': 'spark-driver' },
        securityContext: SPARK_CONTAINER_SECURITY,
      },
      executor: {
        cores: 2,
        instances: 2,
        memory: '4g',
        nodeSelector: { 'sql-etl-on-eks/pool': 'spark-executor' },
        securityContext: SPARK_CONTAINER_SECURITY,
      },
    },
  };
}

/** A WorkflowTemplate with a hardened container template and a resource template creating a SparkApplication. */
export function hardenedWorkflowTemplate(): Record<string, unknown> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'WorkflowTemplate',
    metadata: { name: 'pipeline', namespace: 'spark-jobs' },
    spec: {
      entrypoint: 'main',
      serviceAccountName: 'argo-workflow',
      ttlStrategy: { secondsAfterCompletion: 86400 },
      podGC: { strategy: 'OnPodCompletion' },
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      templates: [
        { name: 'main', dag: { tasks: [{ name: 'check', template: 'check' }] } },
        {
          name: 'check',
          retryStrategy: { limit: 2, backoff: { duration: '30s', factor: 2 } },
          container: hardenedContainer('check'),
        },
      ],
    },
  };
}
