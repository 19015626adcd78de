import * as https from 'node:https';

/** A response of the API server. */
export interface KubeResponse {
  readonly status: number;
  readonly body: unknown;
  /** `Warning` headers (deprecations, Pod Security), in order. */
  readonly warnings: readonly string[];
}

/** Where the loopback API server listens and how to authenticate to it. */
export interface KubeEndpoint {
  readonly port: number;
  /** PEM of the self-signed serving certificate the API server generated (trusted as the only CA). */
  readonly ca: string;
  readonly token: string;
}

/** One discovered resource type. */
export interface ApiResource {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

/**
 * A minimal client of the Kubernetes REST API for the loopback dry-run server: JSON requests with a bearer token,
 * discovery by apiVersion and kind, and `dryRun=All` creates. It talks to 127.0.0.1 only.
 */
export class KubeClient {
  private readonly agent: https.Agent;
  private readonly resources = new Map<string, ApiResource | undefined>();

  public constructor(private readonly endpoint: KubeEndpoint) {
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 4, ca: endpoint.ca, servername: '' });
  }

  /** Sends one request; resolves with any HTTP status (the caller decides what is an error). */
  public request(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<KubeResponse> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port: this.endpoint.port,
          method,
          path,
          agent: this.agent,
          headers: {
            authorization: `Bearer ${this.endpoint.token}`,
            accept: 'application/json',
            ...(payload === undefined
              ? {}
              : { 'content-type': contentType, 'content-length': payload.length }),
          },
          timeout: 60_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // plain-text answers (/readyz) stay text
            }
            const warning = res.headers.warning;
            resolve({
              status: res.statusCode ?? 0,
              body: parsed,
              warnings: ([] as string[])
                .concat(warning ?? [])
                .map((w: string) => w.replace(/^\d+ \S+ "(.*)"$/, '$1')),
            });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 60 s`)));
      req.on('error', reject);
      if (payload !== undefined) {
        req.write(payload);
      }
      req.end();
    });
  }

  /** Drops cached discovery answers (after installing CRDs, so their kinds are found). */
  public forget(): void {
    this.resources.clear();
  }

  public close(): void {
    this.agent.destroy();
  }

  /** The resource type of apiVersion/kind, from discovery (cached; forget() after installing CRDs). */
  public async resourceFor(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    const key = `${apiVersion}/${kind}`;
    if (this.resources.has(key)) {
      return this.resources.get(key);
    }
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const response = await this.request('GET', base);
    const list = (response.body as { resources?: { name: string; kind: string; namespaced: boolean }[] })
      .resources;
    const found = (response.status === 200 ? (list ?? []) : []).find(
      (r) => r.kind === kind && !r.name.includes('/'),
    );
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    const resource =
      found === undefined ? undefined : { group, version, plural: found.name, namespaced: found.namespaced };
    this.resources.set(key, resource);
    return resource;
  }

  /** The collection path of a resource type, in a namespace when it is namespaced. */
  public static collectionPath(resource: ApiResource, namespace: string | undefined): string {
    const base =
      resource.group === '' ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
    return resource.namespaced
      ? `${base}/namespaces/${namespace ?? 'default'}/${resource.plural}`
      : `${base}/${resource.plural}`;
  }
}

/** The API server's message of a failed request (a Status object), or the raw body. */
export function statusMessage(response: KubeResponse): string {
  const body = response.body as { message?: unknown } | string;
  if (typeof body === 'object' && body !== null && typeof body.message === 'string') {
    return body.message;
  }
  return `HTTP ${response.status}: ${String(typeof body === 'string' ? body : JSON.stringify(body)).slice(0, 500)}`;
}
