import type { Problem } from '../problem';
import { formatPath } from '../problem';
import { helmConfigReferences, valuesPath } from './helm';
import { configObjectsCreated } from './inventory';
import type { DistEnvironment } from '../dist';
import type { Json, ReferenceCheck, Segments } from './model';
import { asArray, asObject, isExpression, listing, namespaceOf, objectName, walkObjects } from './model';
import { podUses } from './pods';
import type { KubernetesObject } from '../dist';

/** ConfigMaps Kubernetes publishes in every namespace. */
const PUBLISHED_CONFIG_MAPS = ['kube-root-ca.crt'];

type Kind = 'Secret' | 'ConfigMap';

interface ConfigUse {
  readonly kind: Kind;
  readonly namespace: string;
  readonly name: string;
  readonly file: string;
  readonly object: string;
  readonly where: string;
}

/**
 * The Secrets and ConfigMaps a pod-bearing object reads: env `secretKeyRef`/`configMapKeyRef`, envFrom
 * `secretRef`/`configMapRef`, volumes and projected sources, `imagePullSecrets`, and the SparkApplication fields
 * (`secrets`, `configMaps`, `envSecretKeyRefs`, `hadoopConfigMap`, `sparkConfigMap`). `optional: true` ones are skipped.
 */
function objectUses(object: KubernetesObject): ConfigUse[] {
  if (podUses(object).length === 0) return [];
  const out: ConfigUse[] = [];
  const namespace = namespaceOf(object);
  const add = (kind: Kind, name: unknown, where: Segments): void => {
    if (typeof name === 'string' && name !== '' && !isExpression(name)) {
      out.push({
        kind,
        namespace,
        name,
        file: object.file,
        object: objectName(object),
        where: formatPath(where),
      });
    }
  };
  const spark =
    typeof object.manifest.apiVersion === 'string' &&
    object.manifest.apiVersion.startsWith('sparkoperator.k8s.io/');
  walkObjects(object.manifest, (node: Json, where) => {
    for (const [key, kind] of [
      ['secretKeyRef', 'Secret'],
      ['secretRef', 'Secret'],
      ['configMapKeyRef', 'ConfigMap'],
      ['configMapRef', 'ConfigMap'],
    ] as const) {
      const ref = asObject(node[key]);
      if (ref !== undefined && ref.optional !== true) add(kind, ref.name, [...where, key, 'name']);
    }
    const secret = asObject(node.secret);
    if (secret !== undefined && secret.optional !== true) {
      // Volumes write secretName; projected sources write name.
      const key = typeof secret.secretName === 'string' ? 'secretName' : 'name';
      add('Secret', secret[key], [...where, 'secret', key]);
    }
    const configMap = asObject(node.configMap);
    if (configMap !== undefined && configMap.optional !== true)
      add('ConfigMap', configMap.name, [...where, 'configMap', 'name']);
    asArray(node.imagePullSecrets).forEach((item, i) =>
      add('Secret', typeof item === 'string' ? item : asObject(item)?.name, [
        ...where,
        'imagePullSecrets',
        i,
      ]),
    );
    if (spark) {
      asArray(node.secrets).forEach((item, i) =>
        add('Secret', asObject(item)?.name, [...where, 'secrets', i, 'name']),
      );
      asArray(node.configMaps).forEach((item, i) =>
        add('ConfigMap', asObject(item)?.name, [...where, 'configMaps', i, 'name']),
      );
      for (const [variable, ref] of Object.entries(asObject(node.envSecretKeyRefs) ?? {})) {
        add('Secret', asObject(ref)?.name, [...where, 'envSecretKeyRefs', variable, 'name']);
      }
      for (const key of ['hadoopConfigMap', 'sparkConfigMap']) add('ConfigMap', node[key], [...where, key]);
    }
  });
  return out;
}

function uses(environment: DistEnvironment): ConfigUse[] {
  return [
    ...environment.objects.flatMap(objectUses),
    ...environment.helmReleases.flatMap((release) =>
      helmConfigReferences(release).map((ref) => ({
        ...ref,
        file: release.resource.file,
        object: release.resource.address,
        where: valuesPath(ref.path),
      })),
    ),
  ];
}

/**
 * Every Secret or ConfigMap a pod reads (manifests, embedded SparkApplications, Argo templates and recognised Helm
 * values) is produced in its namespace by dist/ itself: a Secret/ConfigMap manifest, an ExternalSecret (its target
 * Secret) or a Helm `extraObjects` manifest. There is no list of exceptions: a Secret made by hand at bootstrap is a
 * step someone forgets, so a secret from Secrets Manager needs its ExternalSecret. `kube-root-ca.crt` exists in
 * every namespace.
 */
export const secretsConfigMapsCheck: ReferenceCheck = {
  id: 'secrets-config-maps',
  title: 'Secrets and ConfigMaps pods read are created by manifests or ExternalSecrets of dist/',
  run(input) {
    const problems: Problem[] = [];
    let checked = 0;
    for (const environment of input.environments) {
      const created = configObjectsCreated(environment);
      for (const use of uses(environment)) {
        checked += 1;
        if (use.kind === 'ConfigMap' && PUBLISHED_CONFIG_MAPS.includes(use.name)) continue;
        if (created.has(`${use.kind}/${use.namespace}/${use.name}`)) continue;
        const there = [...created.keys()]
          .filter((key) => key.startsWith(`${use.kind}/${use.namespace}/`))
          .map((key) => key.split('/')[2]);
        problems.push({
          file: use.file,
          object: use.object,
          message:
            `${use.where}: ${use.kind} "${use.namespace}/${use.name}" is produced by no ${use.kind} manifest` +
            `${use.kind === 'Secret' ? ' or ExternalSecret (sync it from Secrets Manager)' : ''} of dist/; ` +
            `${use.kind}s in "${use.namespace}": ${listing(there)}`,
        });
      }
    }
    return { problems, checked };
  },
};
