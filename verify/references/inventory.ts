/**
 * What an environment creates, from every layer: Kubernetes objects (manifests, manifests embedded in Argo templates,
 * Helm `extraObjects`), objects Helm charts create (recognised values, see helm.ts) and objects EKS add-ons create.
 */
import type { DistEnvironment } from '../dist';
import { asObject, namespaceOf, resourcesOfType } from './model';
import { helmExtraObjects, helmServiceAccounts } from './helm';

/** Namespaces every cluster has. */
export const BUILTIN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * Service accounts the EKS add-ons create, by add-on name (from each add-on's manifests): only add-ons whose accounts
 * the kit may bind to a role are listed; an add-on missing here simply contributes none.
 */
export const ADDON_SERVICE_ACCOUNTS: Readonly<Record<string, readonly string[]>> = {
  'vpc-cni': ['kube-system/aws-node'],
  coredns: ['kube-system/coredns'],
  'kube-proxy': ['kube-system/kube-proxy'],
  'aws-ebs-csi-driver': ['kube-system/ebs-csi-controller-sa', 'kube-system/ebs-csi-node-sa'],
  'aws-efs-csi-driver': ['kube-system/efs-csi-controller-sa', 'kube-system/efs-csi-node-sa'],
  'aws-mountpoint-s3-csi-driver': ['kube-system/s3-csi-driver-sa'],
};

/** Kinds of manifest, with where one was found, keyed `namespace/name` (or `name` for namespaces). */
export type Created = ReadonlyMap<string, string>;

function add(map: Map<string, string>, key: string, source: string): void {
  if (!map.has(key)) map.set(key, source);
}

/** Every manifest of the environment and every Helm `extraObjects` manifest, with its namespace and source. */
function allManifests(
  environment: DistEnvironment,
): { manifest: Readonly<Record<string, unknown>>; namespace: string; source: string }[] {
  return [
    ...environment.objects.map((o) => ({ manifest: o.manifest, namespace: namespaceOf(o), source: o.file })),
    ...environment.helmReleases.flatMap((release) =>
      helmExtraObjects(release).map((extra) => ({
        manifest: extra.manifest,
        namespace: extra.namespace,
        source: `${release.resource.file} ${release.resource.address} extraObjects`,
      })),
    ),
  ];
}

function nameOf(manifest: Readonly<Record<string, unknown>>): string | undefined {
  const name = asObject(manifest.metadata)?.name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** Service accounts (`namespace/name` → source): ServiceAccount manifests, Helm-created accounts, add-on accounts. */
export function serviceAccountsCreated(environment: DistEnvironment): Created {
  const out = new Map<string, string>();
  for (const { manifest, namespace, source } of allManifests(environment)) {
    const name = nameOf(manifest);
    if (manifest.kind === 'ServiceAccount' && name !== undefined) add(out, `${namespace}/${name}`, source);
  }
  for (const release of environment.helmReleases) {
    for (const account of helmServiceAccounts(release).filter((a) => a.created)) {
      add(
        out,
        `${account.namespace}/${account.name}`,
        `${release.resource.file} ${release.resource.address}`,
      );
    }
  }
  for (const addon of resourcesOfType(environment, 'aws_eks_addon')) {
    const name = addon.values.addon_name;
    for (const account of typeof name === 'string' ? (ADDON_SERVICE_ACCOUNTS[name] ?? []) : []) {
      add(out, account, `${addon.file} ${addon.address}`);
    }
  }
  return out;
}

/** Namespaces (`name` → source): Namespace manifests, Helm releases with `create_namespace`, the built-in ones. */
export function namespacesCreated(environment: DistEnvironment): Created {
  const out = new Map<string, string>();
  for (const name of BUILTIN_NAMESPACES) add(out, name, '(built in)');
  for (const { manifest, source } of allManifests(environment)) {
    const name = nameOf(manifest);
    if (manifest.kind === 'Namespace' && name !== undefined) add(out, name, source);
  }
  for (const release of environment.helmReleases.filter((r) => r.createNamespace)) {
    add(out, release.namespace, `${release.resource.file} ${release.resource.address}`);
  }
  return out;
}

/**
 * Secrets and ConfigMaps (`Kind/namespace/name` → source): Secret and ConfigMap manifests, ExternalSecrets
 * (external-secrets.io; the Secret they write is `spec.target.name`, else their own name).
 */
export function configObjectsCreated(environment: DistEnvironment): Created {
  const out = new Map<string, string>();
  for (const { manifest, namespace, source } of allManifests(environment)) {
    const name = nameOf(manifest);
    if (name === undefined) continue;
    if ((manifest.kind === 'Secret' || manifest.kind === 'ConfigMap') && manifest.apiVersion === 'v1') {
      add(out, `${manifest.kind}/${namespace}/${name}`, source);
    }
    if (
      manifest.kind === 'ExternalSecret' &&
      typeof manifest.apiVersion === 'string' &&
      manifest.apiVersion.startsWith('external-secrets.io/')
    ) {
      const target = asObject(asObject(manifest.spec)?.target)?.name;
      add(out, `Secret/${namespace}/${typeof target === 'string' && target !== '' ? target : name}`, source);
    }
  }
  return out;
}
