import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

/**
 * A synchronous front for @pushcorn/hocon-parser, whose API is async only: the pipeline loader is synchronous (both
 * apps and `make synth`'s config check call it), so the parser runs in a worker thread and the caller blocks on
 * Atomics.wait until the answer is on a message port it reads with receiveMessageOnPort. One worker per process,
 * unref'd so it never keeps the process alive; answers are cached by text.
 */

/** The outcome of parsing one text. */
export type HoconResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly message: string; readonly line?: number; readonly column?: number };

/** One text to parse, and the values its `${…}` substitutions take when the text does not define them. */
export interface HoconRequest {
  readonly text: string;
  /** Nested object: `${a.b}` looks up `scope.a.b`. */
  readonly scope: Readonly<Record<string, unknown>>;
}

/** How long a parse may take before the loader gives up (a parse of a job file takes milliseconds). */
const TIMEOUT_MS = 30_000;

// Strict mode: no includes shorthand, transforms or number guessing; env: false: Arc resolves `${…}` from its
// arguments at run time, so the host's environment variables must not leak into the lint.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { parse } = require(workerData.parser);
const flag = new Int32Array(workerData.flag);
const port = workerData.port;
parentPort.on('message', async (requests) => {
  const results = [];
  for (const { text, scope } of requests) {
    try {
      results.push({ ok: true, value: await parse({ text, scope, strict: true, env: false }) });
    } catch (error) {
      const raw = String(error && error.message ? error.message : error);
      const where = /line: (\\d+), col: (\\d+)/.exec(raw);
      const message = raw.replace(/\\s*\\((?:Source|Token):[\\s\\S]*$/, '').replace(/\\s*Token: \\{[\\s\\S]*$/, '');
      results.push(where ? { ok: false, message, line: Number(where[1]), column: Number(where[2]) } : { ok: false, message });
    }
  }
  port.postMessage(results);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

interface Bridge {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly flag: Int32Array;
}

let bridge: Bridge | undefined;
const cache = new Map<string, HoconResult>();

function start(): Bridge {
  const parser = createRequire(__filename).resolve('@pushcorn/hocon-parser');
  const shared = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { parser, flag: shared, port: port2 },
    transferList: [port2],
  });
  worker.unref();
  port1.unref();
  return { worker, port: port1, flag: new Int32Array(shared) };
}

/**
 * Where results are kept between processes (`make synth` parses every Arc job in its check and again in the k8s app,
 * and most runs change none): JSON files named by the hash of the request, the parser's version and this module's
 * source, so nothing stale is ever read. Starting the parser's worker costs more than the parses, so a run whose
 * texts are all known starts none. Undefined: no cache (the default).
 */
let cacheDir: string | undefined;

/** Sets (or with undefined, clears) the cache folder; the pipeline loader uses `<repo>/.build/hocon`. */
export function setHoconCache(dir: string | undefined): void {
  cacheDir = dir;
}

let salt: string | undefined;
function cacheFile(key: string): string | undefined {
  if (cacheDir === undefined) return undefined;
  salt ??= createHash('sha256')
    .update(fs.readFileSync(__filename))
    .update(fs.readFileSync(createRequire(__filename).resolve('@pushcorn/hocon-parser/package.json')))
    .digest('hex');
  return path.join(cacheDir, `${createHash('sha256').update(salt).update(key).digest('hex')}.json`);
}

/** Whether JSON gives the value back unchanged (plain data, finite numbers), so a result may be cached. */
function survivesJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(survivesJson);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.entries(value).every(([k, v]) => k !== '__proto__' && survivesJson(v));
  }
  return false;
}

function readCached(key: string): void {
  const file = cacheFile(key);
  if (file === undefined || cache.has(key) || !fs.existsSync(file)) return;
  cache.set(key, JSON.parse(fs.readFileSync(file, 'utf8')) as HoconResult);
}

function writeCached(key: string, result: HoconResult): void {
  const file = cacheFile(key);
  if (file === undefined || !survivesJson(result)) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Written under a unique name, then renamed: two processes parsing the same text never see half a file.
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(result));
  fs.renameSync(temporary, file);
}

/** Parses HOCON texts synchronously; results are in request order. */
export function parseHoconSync(requests: readonly HoconRequest[]): HoconResult[] {
  const key = (r: HoconRequest) => `${JSON.stringify(r.scope)}\0${r.text}`;
  for (const r of requests) readCached(key(r));
  const missing = requests.filter((r) => !cache.has(key(r)));
  if (missing.length > 0) {
    bridge ??= start();
    Atomics.store(bridge.flag, 0, 0);
    bridge.worker.postMessage(missing);
    if (Atomics.wait(bridge.flag, 0, 0, TIMEOUT_MS) === 'timed-out') {
      throw new Error(`the HOCON parser did not answer within ${TIMEOUT_MS / 1000} s`);
    }
    const answer = receiveMessageOnPort(bridge.port);
    if (answer === undefined) throw new Error('the HOCON parser answered without a result');
    const results = answer.message as HoconResult[];
    missing.forEach((r, i) => {
      cache.set(key(r), results[i]);
      writeCached(key(r), results[i]);
    });
  }
  return requests.map((r) => cache.get(key(r))!);
}
