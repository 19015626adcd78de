import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { KubeClient } from './kube-client';
import { engineBinary } from './paths';

/** A running loopback etcd + kube-apiserver pair and its client. */
export interface LoopbackCluster {
  readonly client: KubeClient;
  /** Every TCP address the two servers listen on (`127.0.0.1:port`), read from /proc. */
  readonly listening: () => string[];
  /** Stops both servers and deletes the throwaway data directory; safe to call twice. */
  readonly stop: () => Promise<void>;
}

const running = new Set<ChildProcess>();
const workDirs = new Set<string>();
let hooked = false;

/** Kills whatever this process started when it exits for any reason, so no server outlives a target. */
function hookExit(): void {
  if (hooked) {
    return;
  }
  hooked = true;
  const killAll = (): void => {
    for (const child of running) {
      child.kill('SIGKILL');
    }
    for (const dir of workDirs) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

/** A free TCP port on 127.0.0.1. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function start(name: string, binary: string, args: string[], logFile: string): ChildProcess {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(binary, args, {
    stdio: ['ignore', log, log],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
  fs.closeSync(log);
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.once('error', (error) => {
    console.error(`${name}: ${error.message}`);
  });
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  child: ChildProcess,
  logFile: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`${what} exited with code ${child.exitCode}; last log lines:\n${tail(logFile)}`);
    }
    try {
      if (await check()) {
        return;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} not ready after ${timeoutMs / 1000} s; last log lines:\n${tail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

function tail(file: string, lines = 15): string {
  return fs.existsSync(file)
    ? fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
    : '(no log)';
}

/**
 * Starts etcd and kube-apiserver, both bound to 127.0.0.1 on free ports, with a throwaway data directory, a generated
 * service-account key, a static token for one `system:masters` user, and the serving certificate the API server makes
 * for itself in its cert dir. Logs go to `<logDir>/etcd.log` and `<logDir>/kube-apiserver.log`.
 */
export async function startLoopbackCluster(logDir: string): Promise<LoopbackCluster> {
  hookExit();
  fs.mkdirSync(logDir, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sql-etl-dry-run-'));
  workDirs.add(work);
  const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
  const etcdLog = path.join(logDir, 'etcd.log');
  const apiLog = path.join(logDir, 'kube-apiserver.log');
  fs.writeFileSync(etcdLog, '');
  fs.writeFileSync(apiLog, '');

  const etcd = start(
    'etcd',
    engineBinary('etcd'),
    [
      '--name=dry-run',
      `--data-dir=${path.join(work, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=dry-run=http://127.0.0.1:${etcdPeer}`,
      '--listen-metrics-urls=',
      // The Argo "full" CRDs are about 2.6 MB each, above etcd's 1.5 MiB default request limit.
      '--max-request-bytes=8388608',
      '--quota-backend-bytes=1073741824',
      '--log-level=warn',
    ],
    etcdLog,
  );

  const stop = async (): Promise<void> => {
    client?.close();
    for (const child of [api, etcd]) {
      if (child !== undefined) {
        await stopChild(child);
      }
    }
    fs.rmSync(work, { recursive: true, force: true });
    workDirs.delete(work);
  };

  let api: ChildProcess | undefined;
  const token = crypto.randomBytes(24).toString('hex');
  let client: KubeClient | undefined;
  try {
    await waitFor(
      'etcd',
      async () => {
        const response = await fetch(`http://127.0.0.1:${etcdClient}/health`, {
          signal: AbortSignal.timeout(2000),
        });
        return response.ok;
      },
      etcd,
      etcdLog,
      60_000,
    );

    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const saKey = path.join(work, 'sa.key');
    const saPub = path.join(work, 'sa.pub');
    fs.writeFileSync(saKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    fs.writeFileSync(saPub, publicKey.export({ type: 'spki', format: 'pem' }));
    const tokens = path.join(work, 'tokens.csv');
    fs.writeFileSync(tokens, `${token},dry-run-admin,dry-run-admin,system:masters\n`, { mode: 0o600 });
    const certDir = path.join(work, 'certs');

    api = start(
      'kube-apiserver',
      engineBinary('kube-apiserver'),
      [
        `--etcd-servers=http://127.0.0.1:${etcdClient}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${apiPort}`,
        `--cert-dir=${certDir}`,
        `--token-auth-file=${tokens}`,
        '--authorization-mode=RBAC',
        '--anonymous-auth=false',
        `--service-account-key-file=${saPub}`,
        `--service-account-signing-key-file=${saKey}`,
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        '--service-cluster-ip-range=10.96.0.0/16',
        '--endpoint-reconciler-type=none',
        '--enable-priority-and-fairness=false',
        '--profiling=false',
        '--v=0',
      ],
      apiLog,
    );

    await waitFor(
      'kube-apiserver',
      async () => {
        const certFile = path.join(certDir, 'apiserver.crt');
        if (!fs.existsSync(certFile)) {
          return false;
        }
        client ??= new KubeClient({ port: apiPort, ca: fs.readFileSync(certFile, 'utf8'), token });
        const response = await client.request('GET', '/readyz');
        return response.status === 200;
      },
      api,
      apiLog,
      180_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const servers = [etcd, api];
  return {
    client: client as KubeClient,
    stop,
    listening: () => listeningAddresses(servers.flatMap((c) => (c?.pid === undefined ? [] : [c.pid]))),
  };
}

/** The TCP addresses in LISTEN state of sockets the processes hold, from /proc/<pid>/fd and /proc/net/tcp{,6}. */
export function listeningAddresses(pids: readonly number[]): string[] {
  const inodes = new Set<string>();
  for (const pid of pids) {
    const fdDir = `/proc/${pid}/fd`;
    for (const fd of fs.existsSync(fdDir) ? fs.readdirSync(fdDir) : []) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(path.join(fdDir, fd)));
        if (match !== null) {
          inodes.add(match[1]);
        }
      } catch {
        // the descriptor closed meanwhile
      }
    }
  }
  const addresses: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(table)) {
      continue;
    }
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // fields: sl local_address rem_address st ... inode (the 10th)
      if (fields.length < 10 || fields[3] !== '0A' || !inodes.has(fields[9])) {
        continue;
      }
      addresses.push(decodeAddress(fields[1]));
    }
  }
  return addresses.sort();
}

/** `0100007F:1F90` → `127.0.0.1:8080`; IPv6 as 8 groups (the kernel writes each 32-bit word in host order). */
function decodeAddress(hex: string): string {
  const [ip, port] = hex.split(':');
  const words = ip.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => (w.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)));
  const text =
    bytes.length === 4
      ? bytes.join('.')
      : `[${Array.from({ length: 8 }, (_, i) => ((bytes[2 * i] << 8) | bytes[2 * i + 1]).toString(16)).join(':')}]`;
  return `${text}:${parseInt(port, 16)}`;
}
