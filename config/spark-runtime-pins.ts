import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  SPARK_RUNTIME_PIN_FILES,
  type SparkRuntimePins,
  FETCH_JARS_SOURCE,
  renderDockerfile,
  renderJarsTxt,
  renderNotebookDockerfile,
  renderRequirementsIn,
  sparkRuntimeViolations,
} from './spark-runtime';
import { README_FILE, renderReadmeVersions } from './readme-versions';
import { ARC_IMAGE, SPARK_RUNTIME } from './versions';

/** One generated file and the content {@link SPARK_RUNTIME} gives it. */
export interface PinnedFile {
  /** Path relative to the repository root. */
  readonly file: string;
  readonly expected: string;
  readonly current: string | undefined;
}

/** The files derived from {@link SPARK_RUNTIME}, with their content on disk and the content they should have. */
export function sparkRuntimePinFiles(repoRoot: string, pins: SparkRuntimePins = SPARK_RUNTIME): PinnedFile[] {
  const read = (file: string): string | undefined => {
    const full = path.join(repoRoot, file);
    return fs.existsSync(full) ? fs.readFileSync(full, 'utf8') : undefined;
  };
  const dockerfile = read(SPARK_RUNTIME_PIN_FILES.dockerfile);
  if (dockerfile === undefined) {
    throw new Error(
      `${SPARK_RUNTIME_PIN_FILES.dockerfile} is missing; the spark-runtime image needs its Dockerfile`,
    );
  }
  const notebookDockerfile = read(SPARK_RUNTIME_PIN_FILES.notebookDockerfile);
  if (notebookDockerfile === undefined) {
    throw new Error(
      `${SPARK_RUNTIME_PIN_FILES.notebookDockerfile} is missing; the pyspark-notebook image needs its Dockerfile`,
    );
  }
  return [
    {
      file: SPARK_RUNTIME_PIN_FILES.notebookJars,
      expected: renderJarsTxt(pins),
      current: read(SPARK_RUNTIME_PIN_FILES.notebookJars),
    },
    {
      file: SPARK_RUNTIME_PIN_FILES.notebookFetchJars,
      expected: read(FETCH_JARS_SOURCE) ?? '',
      current: read(SPARK_RUNTIME_PIN_FILES.notebookFetchJars),
    },
    {
      file: SPARK_RUNTIME_PIN_FILES.notebookDockerfile,
      expected: renderNotebookDockerfile(notebookDockerfile, pins),
      current: notebookDockerfile,
    },
    {
      file: SPARK_RUNTIME_PIN_FILES.jars,
      expected: renderJarsTxt(pins),
      current: read(SPARK_RUNTIME_PIN_FILES.jars),
    },
    {
      file: SPARK_RUNTIME_PIN_FILES.dockerfile,
      expected: renderDockerfile(dockerfile, pins),
      current: dockerfile,
    },
    {
      file: SPARK_RUNTIME_PIN_FILES.requirementsIn,
      expected: renderRequirementsIn(pins),
      current: read(SPARK_RUNTIME_PIN_FILES.requirementsIn),
    },
  ];
}

/** The Arc images' Dockerfiles and the line of each that names the pinned Arc image (config/versions.ts ARC_IMAGE). */
export const ARC_PIN_LINES = [
  {
    file: 'etl/images/arc-runtime/Dockerfile',
    line: /^FROM \S+$/m,
    render: (image: string) => `FROM ${image}`,
  },
  {
    file: 'etl/images/arc-notebook/Dockerfile',
    line: /^ARG ARC_IMAGE=.*$/m,
    render: (image: string) => `ARG ARC_IMAGE=${image}`,
  },
] as const;

/** The Arc images' Dockerfiles with the pinned Arc image written into their base-image line. */
export function arcPinFiles(repoRoot: string, image: string = ARC_IMAGE.image): PinnedFile[] {
  return ARC_PIN_LINES.map(({ file, line, render }) => {
    const full = path.join(repoRoot, file);
    if (!fs.existsSync(full)) throw new Error(`${file} is missing; the Arc images need their Dockerfiles`);
    const current = fs.readFileSync(full, 'utf8');
    if (!line.test(current)) {
      throw new Error(
        `${file}: the line naming the Arc base image (${render('<image>')}) is missing; restore it`,
      );
    }
    return { file, current, expected: current.replace(line, render(image)) };
  });
}

/**
 * README.md with its table of platform pins (config/readme-versions.ts); none when the repository has no README (a
 * test's partial copy).
 */
export function readmePinFiles(repoRoot: string): PinnedFile[] {
  const full = path.join(repoRoot, README_FILE);
  if (!fs.existsSync(full)) return [];
  const current = fs.readFileSync(full, 'utf8');
  return [{ file: README_FILE, current, expected: renderReadmeVersions(current) }];
}

/** Writes the derived files that differ; returns the paths written (empty when all were current). */
export function writeSparkRuntimePins(repoRoot: string): string[] {
  const problems = sparkRuntimeViolations();
  if (problems.length > 0) throw new Error(problems.join('\n'));
  const written: string[] = [];
  for (const f of [
    ...sparkRuntimePinFiles(repoRoot),
    ...arcPinFiles(repoRoot),
    ...readmePinFiles(repoRoot),
  ]) {
    if (f.current === f.expected) continue;
    fs.mkdirSync(path.dirname(path.join(repoRoot, f.file)), { recursive: true });
    fs.writeFileSync(path.join(repoRoot, f.file), f.expected);
    written.push(f.file);
  }
  return written;
}
