import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { bucketName, loadEnvironments } from '../config';

/** Reads dist/ only: what the two layers produced must agree. */
const DIST = path.resolve(__dirname, '../dist');

function filesBelow(dir: string, suffix: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith(suffix))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Keys of every object the env's assets stack uploads. */
function uploadedKeys(env: string): Set<string> {
  const file = path.join(DIST, 'terraform', 'stacks', `${env}-assets`, 'cdk.tf.json');
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    resource: { aws_s3_object: Record<string, { bucket: string; key: string }> };
  };
  return new Set(Object.values(json.resource.aws_s3_object).map((o) => `${o.bucket}/${o.key}`));
}

describe('dist/k8s and dist/terraform agree', () => {
  for (const env of loadEnvironments()) {
    test(`${env.name}: every job and runner URI in a manifest is an object the assets stack uploads`, () => {
      const uploaded = uploadedKeys(env.name);
      const assets = bucketName(env, 'assets');
      const uris = filesBelow(path.join(DIST, 'k8s', env.name), '.yaml').flatMap((file) =>
        [...fs.readFileSync(file, 'utf8').matchAll(/s3a?:\/\/([a-z0-9.-]+)\/(jobs\/[^\s"',]+)/g)].map(
          (m) => ({
            file: path.relative(DIST, file),
            bucket: m[1],
            key: m[2],
          }),
        ),
      );
      expect(uris.length).toBeGreaterThan(5);
      for (const uri of uris) {
        expect(uri.bucket, `${uri.file}: ${uri.key}`).toBe(assets);
        expect(uploaded.has(`${uri.bucket}/${uri.key}`), `${uri.file}: s3a://${uri.bucket}/${uri.key}`).toBe(
          true,
        );
      }
    });
  }

  test('the check fails on a URI whose content key was not uploaded', () => {
    const uploaded = uploadedKeys('dev');
    const stale = `${bucketName(loadEnvironments(['dev'])[0], 'assets')}/jobs/0000000000000000/jobs/x.sql`;
    expect(uploaded.has(stale)).toBe(false);
  });
});

/** The single YAML document of a dist/k8s file. */
function readManifest(relative: string): Record<string, unknown> {
  return parse(fs.readFileSync(path.join(DIST, 'k8s', relative), 'utf8')) as Record<string, unknown>;
}

function stackResources(stack: string): Record<string, Record<string, Record<string, unknown>>> {
  const file = path.join(DIST, 'terraform', 'stacks', stack, 'cdk.tf.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { resource: never }).resource;
}

describe('the EC2NodeClass names what the Terraform stacks create', () => {
  for (const env of loadEnvironments()) {
    const spec = readManifest(`${env.name}/${env.name}-karpenter/EC2NodeClass.default.yaml`).spec as {
      role: string;
      subnetSelectorTerms: { tags: Record<string, string> }[];
      securityGroupSelectorTerms: { tags: Record<string, string> }[];
    };

    test(`${env.name}: its role is the Karpenter node role of the cluster stack, which has an EC2_LINUX access entry`, () => {
      const cluster = stackResources(`${env.name}-cluster`);
      const roles = Object.entries(cluster.aws_iam_role).filter(([, r]) => r.name === spec.role);
      expect(roles.map(([address]) => address)).toEqual(['karpenter_node_role']);
      const entries = Object.values(cluster.aws_eks_access_entry).filter((e) => e.type === 'EC2_LINUX');
      expect(entries.map((e) => e.principal_arn)).toEqual(['${aws_iam_role.karpenter_node_role.arn}']);
    });

    test(`${env.name}: its subnet tags are on every private subnet, its security group tag on the cluster security group`, () => {
      const [subnetTerm] = spec.subnetSelectorTerms;
      const subnets = Object.entries(stackResources(`${env.name}-network`).aws_subnet);
      const tagged = subnets.filter(([, s]) =>
        Object.entries(subnetTerm.tags).every(([k, v]) => (s.tags as Record<string, string>)[k] === v),
      );
      expect(tagged.map(([address]) => address).sort()).toEqual(
        subnets
          .map(([address]) => address)
          .filter((a) => a.startsWith('private_subnet'))
          .sort(),
      );
      expect(tagged).toHaveLength(env.network.azCount);
      const [sgTerm] = spec.securityGroupSelectorTerms;
      const tags = Object.values(stackResources(`${env.name}-cluster`).aws_ec2_tag);
      expect(tags.map((t) => ({ [t.key as string]: t.value }))).toEqual([sgTerm.tags]);
      expect(tags[0].resource_id).toBe('${aws_eks_cluster.cluster.vpc_config[0].cluster_security_group_id}');
    });
  }
});

describe('every runtime image a manifest pins is built by an apply', () => {
  for (const env of loadEnvironments()) {
    test(`${env.name}: each pinned tag is the content version of a source archive the assets stack uploads to the key its pipeline watches`, () => {
      const sources = Object.values(stackResources(`${env.name}-assets`).aws_s3_object).filter((o) =>
        String(o.key).startsWith('image-sources/'),
      );
      const pipelines = Object.values(stackResources(`${env.name}-registry`).aws_codepipeline);
      const pinned = new Set(
        filesBelow(path.join(DIST, 'k8s', env.name), '.yaml').flatMap((file) =>
          [
            ...fs
              .readFileSync(file, 'utf8')
              .matchAll(/\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/[^/\s]+\/([a-z0-9-]+):([0-9a-f]{16})\b/g),
          ].map((m) => `${m[1]}:${m[2]}`),
        ),
      );
      expect(pinned.size).toBeGreaterThanOrEqual(2);
      for (const image of pinned) {
        const [name, version] = image.split(':');
        const source = sources.find((s) => s.key === `image-sources/${name}/source.zip`);
        expect(source, `no upload of ${name}'s build context`).toBeDefined();
        // Terraform re-uploads (and so rebuilds) exactly when this hash changes: the version the manifests pin.
        expect(source!.source_hash, image).toBe(version);
        const watching = pipelines.filter((p) =>
          JSON.stringify(p.stage).includes(`"S3ObjectKey":"image-sources/${name}/source.zip"`),
        );
        expect(watching, `no pipeline builds ${name} from its upload`).toHaveLength(1);
      }
    });

    test(`${env.name}: arc-runtime is built for amd64 only (its base image has no arm64 variant), spark-runtime for both`, () => {
      const projects = Object.values(stackResources(`${env.name}-registry`).aws_codebuild_project).map((p) =>
        String(p.name),
      );
      expect(projects.filter((p) => p.includes('arc-runtime')).sort()).toEqual([
        `sqletl-${env.name}-arc-runtime-amd64`,
        `sqletl-${env.name}-arc-runtime-manifest`,
      ]);
      expect(projects.filter((p) => p.includes('spark-runtime')).sort()).toEqual([
        `sqletl-${env.name}-spark-runtime-amd64`,
        `sqletl-${env.name}-spark-runtime-arm64`,
        `sqletl-${env.name}-spark-runtime-manifest`,
      ]);
    });
  }
});

/** Every document of every YAML file below dist/k8s/<env>. */
function manifestsOf(env: string): Record<string, unknown>[] {
  return filesBelow(path.join(DIST, 'k8s', env), '.yaml').map(
    (file) => parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>,
  );
}

/** IAM's resource wildcards (`*` any run, `?` one character) as a regular expression. */
function iamPattern(resource: string): RegExp {
  const escaped = resource.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replaceAll('*', '.*').replaceAll('?', '.')}$`);
}

interface Statement {
  readonly actions: string[];
  readonly resources: string[];
}

describe('External Secrets: what the k8s layer syncs is exactly what infra lets the operator read', () => {
  for (const env of loadEnvironments()) {
    const stacks = path.join(DIST, 'terraform', 'stacks');
    const keys = manifestsOf(env.name)
      .filter((m) => m.kind === 'ExternalSecret')
      .flatMap((m) =>
        ((m.spec as { data?: { remoteRef: { key: string } }[] }).data ?? []).map((d) => d.remoteRef.key),
      );
    const workloads = JSON.parse(
      fs.readFileSync(path.join(stacks, `${env.name}-workloads`, 'cdk.tf.json'), 'utf8'),
    ) as { data: { aws_iam_policy_document: Record<string, { statement: Statement[] }> } };
    const reads = workloads.data.aws_iam_policy_document.external_secrets_policy_document.statement
      .filter((s) => s.actions.includes('secretsmanager:GetSecretValue'))
      .flatMap((s) => s.resources);
    // A Secrets Manager ARN as AWS forms it: the name, a dash and six random characters.
    const arnOf = (name: string) =>
      `arn:aws:secretsmanager:${env.region}:${env.account}:secret:${name}-Ab12Cd`;

    test(`${env.name}: the OIDC client Secrets are synced, and every key read is granted to the operator's role`, () => {
      expect([...new Set(keys)].sort()).toEqual([
        `${env.prefix}/${env.name}/oidc/argo`,
        `${env.prefix}/${env.name}/oidc/jupyterhub`,
      ]);
      for (const key of keys) {
        expect(
          reads.some((r) => iamPattern(r).test(arnOf(key))),
          key,
        ).toBe(true);
      }
    });

    test(`${env.name}: the role reads no secret that no ExternalSecret syncs (no prefix wildcard)`, () => {
      for (const resource of reads) {
        expect(
          keys.some((key) => iamPattern(resource).test(arnOf(key))),
          resource,
        ).toBe(true);
        expect(
          iamPattern(resource).test(arnOf(`${env.prefix}/${env.name}/edge/origin-verify`)),
          resource,
        ).toBe(false);
      }
    });

    test(`${env.name}: every synced key is a secret a Terraform stack creates`, () => {
      const created = fs
        .readdirSync(stacks)
        .filter((stack) => stack.startsWith(`${env.name}-`))
        .flatMap((stack) => {
          const json = JSON.parse(fs.readFileSync(path.join(stacks, stack, 'cdk.tf.json'), 'utf8')) as {
            resource?: { aws_secretsmanager_secret?: Record<string, { name: string }> };
          };
          return Object.values(json.resource?.aws_secretsmanager_secret ?? {}).map((s) => s.name);
        });
      for (const key of keys) expect(created, key).toContain(key);
    });
  }

  test('the pattern check tells a sibling secret apart', () => {
    expect(iamPattern('arn:x:secret:a/oidc/argo-??????').test('arn:x:secret:a/oidc/argo-Ab12Cd')).toBe(true);
    expect(iamPattern('arn:x:secret:a/oidc/argo-??????').test('arn:x:secret:a/oidc/argo-admin-Ab12Cd')).toBe(
      false,
    );
    expect(iamPattern('arn:x:secret:a/*').test('arn:x:secret:a/oidc/argo-admin-Ab12Cd')).toBe(true);
  });
});
