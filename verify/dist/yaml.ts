/**
 * How verify parses dist/k8s YAML: multi-document files into mapping documents (cached by content digest), the
 * manifests Argo resource templates embed, and how a problem names an object.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { cachedByText } from '../compiled-schemas';
import { formatPath } from '../problem';

/** The Argo kinds whose templates may embed manifests, and where their templates live. */
const ARGO_TEMPLATE_HOLDERS: Readonly<Record<string, readonly string[]>> = {
  Workflow: ['spec', 'templates'],
  WorkflowTemplate: ['spec', 'templates'],
  ClusterWorkflowTemplate: ['spec', 'templates'],
  CronWorkflow: ['spec', 'workflowSpec', 'templates'],
};

/** `Kind/name`, falling back to placeholders so every problem still names something. */
export function objectLabel(object: Readonly<Record<string, unknown>>): string {
  const kind = typeof object.kind === 'string' ? object.kind : '(no kind)';
  const metadata = (object.metadata ?? {}) as Record<string, unknown>;
  const name =
    typeof metadata.name === 'string'
      ? metadata.name
      : typeof metadata.generateName === 'string'
        ? `${metadata.generateName}*`
        : '(no name)';
  return `${kind}/${name}`;
}

/**
 * Parses a multi-document YAML text into its mapping documents, skipping empty ones; syntax errors and documents
 * that are not mappings are failures.
 */
export function parseYamlObjects(text: string): ParsedYaml {
  // Every check reads the same files (and the same embedded manifests): parsed once, and kept by content digest.
  parserSalt ??= createHash('sha256').update(fs.readFileSync(__filename)).digest('hex');
  return cachedByText('k8s-yaml', parserSalt, text, parseYamlObjectsUncached);
}

let parserSalt: string | undefined;

/** The non-empty documents of a YAML text that are mappings, and the others' problems, by document index. */
export interface ParsedYaml {
  objects: { index: number; object: Record<string, unknown> }[];
  failures: { index: number; message: string }[];
}

function parseYamlObjectsUncached(text: string): ParsedYaml {
  const objects: { index: number; object: Record<string, unknown> }[] = [];
  const failures: { index: number; message: string }[] = [];
  parseAllDocuments(text).forEach((document, index) => {
    if (document.errors.length > 0) {
      failures.push({ index, message: `YAML syntax error: ${oneLine(document.errors[0].message)}` });
      return;
    }
    if (document.contents === null) {
      return;
    }
    const value: unknown = document.toJS({ maxAliasCount: -1 });
    if (value === null || value === undefined) {
      return;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      failures.push({
        index,
        message: `document is a ${Array.isArray(value) ? 'list' : typeof value}, not a mapping`,
      });
      return;
    }
    objects.push({ index, object: value as Record<string, unknown> });
  });
  return { objects, failures };
}

/** The manifests an Argo object embeds in `resource` templates, with where each sits (`templates[2].resource.manifest`). */
export function embeddedManifestsOf(
  object: Readonly<Record<string, unknown>>,
): { where: string; manifest: string }[] {
  const holder = typeof object.kind === 'string' ? ARGO_TEMPLATE_HOLDERS[object.kind] : undefined;
  if (
    holder === undefined ||
    typeof object.apiVersion !== 'string' ||
    !object.apiVersion.startsWith('argoproj.io/')
  ) {
    return [];
  }
  let templates: unknown = object;
  for (const key of holder) {
    templates = (templates as Record<string, unknown> | undefined)?.[key];
  }
  if (!Array.isArray(templates)) {
    return [];
  }
  const base = holder.slice(1);
  const out: { where: string; manifest: string }[] = [];
  templates.forEach((template: unknown, i) => {
    const manifest = (template as { resource?: { manifest?: unknown } } | null)?.resource?.manifest;
    if (typeof manifest === 'string') {
      out.push({ where: formatPath([...base, i, 'resource', 'manifest']), manifest });
    }
  });
  return out;
}

function oneLine(text: string): string {
  return text.split('\n')[0].trim().replace(/:$/, '');
}
