import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';

/**
 * The engine corpus: deliberately broken NodePools, EC2NodeClasses, WorkflowTemplates and SparkApplications (and one
 * accepted control of each kind), each with the verdict both `make verify` (schema + CEL) and the real API server
 * (`make dry-run`) must reach. `catches` is a regular expression the verify message must match.
 */
export interface EngineCorpusCase {
  /** The file name without `.yaml`. */
  readonly name: string;
  /** The expected verdict of both engines. */
  readonly expect: 'accepted' | 'rejected';
  /** What the verify message of a rejected case must match. */
  readonly catches: RegExp | undefined;
  /** The one-line description (the file's first comment). */
  readonly reason: string;
  /** The Kubernetes object. */
  readonly object: Record<string, unknown>;
}

/** The corpus folder. */
export const ENGINE_CORPUS_DIR = path.join(__dirname, 'engine-corpus');

/** Every case of the corpus, sorted by file name; throws naming the file when one is malformed. */
export function loadEngineCorpus(dir: string = ENGINE_CORPUS_DIR): EngineCorpusCase[] {
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      const parsed = parseYaml(text) as { expect?: unknown; catches?: unknown; object?: unknown } | null;
      if (
        (parsed?.expect !== 'accepted' && parsed?.expect !== 'rejected') ||
        typeof parsed.object !== 'object' ||
        parsed.object === null
      ) {
        throw new Error(`${path.join(dir, file)}: needs expect (accepted or rejected), catches and object`);
      }
      return {
        name: file.replace(/\.yaml$/, ''),
        expect: parsed.expect,
        catches:
          typeof parsed.catches === 'string' && parsed.catches !== ''
            ? new RegExp(parsed.catches)
            : undefined,
        reason: (/^#\s*(.*)$/m.exec(text)?.[1] ?? '').trim(),
        object: parsed.object as Record<string, unknown>,
      };
    });
}
