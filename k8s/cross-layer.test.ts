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
