import type { Problem } from '../problem';
import type { DistEnvironment } from '../dist';
import type { Json, ReferenceCheck } from './model';
import { asObject, objectName, resourcesOfType } from './model';

/**
 * Spark properties whose value must name a directory that exists before Spark starts: the driver fails at
 * SparkContext creation when `spark.eventLog.dir` is missing, and the History Server exits at start when its log
 * directory is. S3 has no directories: S3A finds one through a zero-byte `<prefix>/` marker object (or any object
 * below it, which an empty lake does not have).
 */
export const DIRECTORY_PROPERTIES = ['spark.eventLog.dir', 'spark.history.fs.logDirectory'] as const;

/** `s3a://bucket/key` (also `s3://`), split; undefined for other schemes and for Argo or Terraform expressions. */
function s3Directory(uri: string): { bucket: string; key: string } | undefined {
  const match = /^s3a?:\/\/([a-z0-9][a-z0-9.-]*)\/?(.*)$/.exec(uri.trim());
  if (match === null || /[{}$]/.test(uri)) return undefined;
  const key = match[2] === '' || match[2].endsWith('/') ? match[2] : `${match[2]}/`;
  return { bucket: match[1], key };
}

/** Every directory property of a manifest: SparkApplication `sparkConf` and `spark-defaults.conf`-style ConfigMap data. */
function directoryProperties(manifest: Readonly<Json>): { property: string; uri: string; where: string }[] {
  const out: { property: string; uri: string; where: string }[] = [];
  const spec = asObject(manifest.spec);
  const sparkConf = asObject(spec?.sparkConf) ?? asObject(asObject(spec?.template)?.sparkConf) ?? {};
  for (const property of DIRECTORY_PROPERTIES) {
    const value = sparkConf[property];
    if (typeof value === 'string') out.push({ property, uri: value, where: `spec.sparkConf.${property}` });
  }
  if (manifest.kind === 'ConfigMap') {
    for (const [file, text] of Object.entries(asObject(manifest.data) ?? {})) {
      if (typeof text !== 'string') continue;
      for (const line of text.split('\n')) {
        const match = /^\s*(spark\.[\w.]+)[\s=]+(\S+)\s*$/.exec(line);
        if (match !== null && (DIRECTORY_PROPERTIES as readonly string[]).includes(match[1])) {
          out.push({ property: match[1], uri: match[2], where: `data.${file}: ${match[1]}` });
        }
      }
    }
  }
  return out;
}

/** `bucket/key` of every `aws_s3_object` the environment's Terraform creates. */
function objectsOf(environment: DistEnvironment): Set<string> {
  const out = new Set<string>();
  for (const object of resourcesOfType(environment, 'aws_s3_object')) {
    const { bucket, key } = object.values;
    if (typeof bucket === 'string' && typeof key === 'string') out.add(`${bucket}/${key}`);
  }
  return out;
}

/**
 * Every `spark.eventLog.dir` and `spark.history.fs.logDirectory` in dist/k8s (SparkApplications, the ones embedded in
 * Argo templates, and spark-defaults ConfigMaps) names an S3 prefix whose `<prefix>/` directory marker is an
 * `aws_s3_object` of the same environment's dist/terraform.
 */
export const sparkDirectoriesCheck: ReferenceCheck = {
  id: 'spark-directories',
  title:
    'Spark event-log directories exist in S3 (a directory marker object in Terraform) before Spark starts',
  run(input) {
    const problems: Problem[] = [];
    let checked = 0;
    for (const environment of input.environments) {
      const objects = objectsOf(environment);
      for (const object of environment.objects) {
        for (const { property, uri, where } of directoryProperties(object.manifest)) {
          const directory = s3Directory(uri);
          if (directory === undefined) continue;
          checked += 1;
          if (directory.key === '' || objects.has(`${directory.bucket}/${directory.key}`)) continue;
          problems.push({
            file: object.file,
            object: objectName(object),
            message:
              `${where}: ${property} ${uri} is not an existing directory: no aws_s3_object of ${environment.env} ` +
              `creates the marker s3://${directory.bucket}/${directory.key} (zero bytes), and Spark fails at start ` +
              'without it',
          });
        }
      }
    }
    return { problems, checked };
  },
};
