/**
 * TargetGroupBindings: each names a target group an `aws_lb_target_group` of the environment's stacks creates (by
 * `spec.targetGroupName`, with the same target type), and a Service, with the port, that dist/k8s holds or a Helm
 * release of the environment creates. A binding to a missing Service or target group registers nothing and the UI
 * answers 503 behind CloudFront.
 */
import type { Problem } from '../problem';
import type { HelmRelease, DistEnvironment } from '../dist';
import type { ReferenceCheck } from './model';
import { asArray, asObject, at, listing, namespaceOf, objectName, resourcesOfType } from './model';

/** A Service port: its number and name. */
interface ServicePort {
  readonly port: number;
  readonly name?: string;
}

/** A Service some source creates. */
interface KnownService {
  readonly namespace: string;
  readonly name: string;
  readonly ports: readonly ServicePort[];
  /** Where it comes from, for messages. */
  readonly source: string;
}

/** `<release>` when it contains the chart name, else `<release>-<chart>`: the common Helm `fullname` helper. */
function fullname(release: HelmRelease, chart: string): string {
  const override = release.values.fullnameOverride;
  if (typeof override === 'string' && override !== '') return override;
  const raw = release.resource.values.name;
  const name = typeof raw === 'string' ? raw : '';
  return name.includes(chart) ? name : `${name}-${chart}`;
}

/**
 * The Services of the charts whose Services the kit binds, as the pinned charts' templates name them, with the chart
 * defaults the kit's values do not override.
 */
export const HELM_SERVICES: Readonly<Record<string, (release: HelmRelease) => KnownService[]>> = {
  // argo-workflows 1.0.18 templates/server/server-service.yaml: `<fullname>-<server.name>`, port server.servicePort.
  'argo-workflows': (release) => {
    const server = asObject(release.values.server) ?? {};
    if (server.enabled === false) return [];
    const port = typeof server.servicePort === 'number' ? server.servicePort : 2746;
    const portName = typeof server.servicePortName === 'string' ? server.servicePortName : undefined;
    const serverName = typeof server.name === 'string' ? server.name : 'server';
    return [
      {
        namespace: release.namespace,
        name: `${fullname(release, 'argo-workflows')}-${serverName}`,
        ports: [{ port, name: portName }],
        source: release.resource.address,
      },
    ];
  },
  // jupyterhub 4.4.0 templates/proxy/service.yaml: `proxy-public` (no fullnameOverride), port 80 `http` unless
  // proxy.service.disableHttpPort, port 443 `https` with proxy.https.enabled.
  jupyterhub: (release) => {
    const proxy = asObject(release.values.proxy) ?? {};
    const service = asObject(proxy.service) ?? {};
    const ports: ServicePort[] = [];
    if (service.disableHttpPort !== true) ports.push({ port: 80, name: 'http' });
    if (asObject(proxy.https)?.enabled === true) ports.push({ port: 443, name: 'https' });
    const override = release.values.fullnameOverride;
    const prefix = typeof override === 'string' && override !== '' ? `${override}-` : '';
    return [
      {
        namespace: release.namespace,
        name: `${prefix}proxy-public`,
        ports,
        source: release.resource.address,
      },
    ];
  },
};

function knownServices(environment: DistEnvironment): KnownService[] {
  const out: KnownService[] = [];
  for (const object of environment.objects) {
    if (object.manifest.kind !== 'Service' || object.embeddedIn !== undefined) continue;
    const name = asObject(object.manifest.metadata)?.name;
    if (typeof name !== 'string') continue;
    out.push({
      namespace: namespaceOf(object),
      name,
      ports: asArray(at(object.manifest, ['spec', 'ports'])).map((p) => {
        const port = asObject(p) ?? {};
        return { port: Number(port.port), name: typeof port.name === 'string' ? port.name : undefined };
      }),
      source: object.file,
    });
  }
  for (const release of environment.helmReleases) {
    out.push(...(HELM_SERVICES[release.chart]?.(release) ?? []));
  }
  return out;
}

function checkEnvironment(environment: DistEnvironment): { problems: Problem[]; checked: number } {
  const problems: Problem[] = [];
  let checked = 0;
  const services = knownServices(environment);
  const groups = resourcesOfType(environment, 'aws_lb_target_group');
  for (const object of environment.objects) {
    if (object.manifest.kind !== 'TargetGroupBinding') continue;
    const problem = (message: string) =>
      problems.push({ file: object.file, object: objectName(object), message });
    const spec = asObject(object.manifest.spec) ?? {};
    const namespace = namespaceOf(object);

    checked += 1;
    const groupName = spec.targetGroupName;
    if (typeof spec.targetGroupARN === 'string') {
      problem(
        'spec.targetGroupARN carries an id only AWS assigns, so no synthesized ARN can be right; name the target ' +
          'group (spec.targetGroupName) the edge stack creates',
      );
    } else if (typeof groupName !== 'string') {
      problem('spec.targetGroupName is missing; name the target group the edge stack creates');
    } else {
      const group = groups.find((g) => g.values.name === groupName);
      if (group === undefined) {
        problem(
          `spec.targetGroupName '${groupName}' is no aws_lb_target_group of the ${environment.env} stacks ` +
            `(${listing(groups.map((g) => String(g.values.name)))}); use targetGroupName() of config/web.ts`,
        );
      } else if (spec.targetType !== undefined && spec.targetType !== group.values.target_type) {
        problem(
          `spec.targetType '${typeof spec.targetType === 'string' ? spec.targetType : JSON.stringify(spec.targetType)}' differs from ${group.address}'s target_type ` +
            `'${String(group.values.target_type)}' in ${group.stack}`,
        );
      }
    }

    checked += 1;
    const ref = asObject(spec.serviceRef) ?? {};
    const service = services.find((s) => s.namespace === namespace && s.name === ref.name);
    if (service === undefined) {
      problem(
        `spec.serviceRef.name '${String(ref.name)}' is no Service in namespace ${namespace} of dist/k8s or of a ` +
          `Helm release; bind a Service that exists (config/web.ts WEB_UIS)`,
      );
    } else if (
      !service.ports.some((p) => p.port === ref.port || (p.name !== undefined && p.name === ref.port))
    ) {
      problem(
        `spec.serviceRef.port ${String(ref.port)} is not a port of Service ${namespace}/${service.name} ` +
          `(${service.source}: ${service.ports.map((p) => p.name ?? p.port).join(', ')})`,
      );
    }
  }
  return { problems, checked };
}

/** Every TargetGroupBinding names an existing target group and Service port. */
export const targetGroupsCheck: ReferenceCheck = {
  id: 'target-groups',
  title:
    'TargetGroupBindings name a target group of the stacks and a Service port of dist/k8s or a Helm release',
  run(input) {
    const results = input.environments.map(checkEnvironment);
    return {
      problems: results.flatMap((r) => r.problems),
      checked: results.reduce((n, r) => n + r.checked, 0),
    };
  },
};
