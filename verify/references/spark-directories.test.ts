import { describe, expect, test } from 'vitest';
import { sparkDirectoriesCheck } from './spark-directories';
import { copyDist, editJson, lines, runOn } from './testing';

describe('spark-directories', () => {
  test('every event-log directory of the committed dist/ has its marker object', () => {
    const result = runOn(sparkDirectoriesCheck);
    expect(lines(result)).toEqual([]);
    // Every SparkApplication of both environments (embedded in Argo templates) and both History Server configs.
    expect(result.checked).toBeGreaterThan(20);
  });

  test('fails on every SparkApplication and History Server when the data stack creates no marker', () => {
    const dist = copyDist();
    editJson(dist, 'terraform/stacks/dev-data/cdk.tf.json', (json) => {
      const resources = json.resource as Record<string, Record<string, unknown>>;
      delete resources.aws_s3_object.spark_event_log_directory;
    });
    const found = lines(runOn(sparkDirectoriesCheck, dist));
    const marker = 's3://sqletl-dev-datalake-111122223333-us-east-1/spark-event-logs/';
    expect(found.length).toBeGreaterThan(10);
    expect(
      found.every((line) => line.includes('/dev') && line.includes(`creates the marker ${marker}`)),
    ).toBe(true);
    expect(found).toContainEqual(
      expect.stringMatching(
        /^dist\/k8s\/dev\/dev-spark-history\/ConfigMap\.spark-history-server\.yaml .* spark\.history\.fs\.logDirectory s3a:\/\/sqletl-dev-datalake-111122223333-us-east-1\/spark-event-logs\/ is not an existing directory/,
      ),
    );
    expect(found).toContainEqual(
      expect.stringMatching(/WorkflowTemplate\.word-count\.yaml .* spec\.sparkConf\.spark\.eventLog\.dir: /),
    );
  });
});
