import { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup';
import { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import {
  ATHENA_ENGINE_VERSION,
  athenaWorkgroupName,
  bucketName,
  datalakeBucketName,
  glueDatabaseName,
  resourcePrefix,
  S3_PREFIXES,
} from '../../config';
import { EnvironmentStack, type EnvironmentStackProps } from '../constructs/environment-stack';
import { SecureBucket } from '../constructs/secure-bucket';
import type { FoundationStack } from './foundation-stack';

/** Key prefix of query results in the Athena results bucket. */
const ATHENA_RESULTS_PREFIX = 'results/';

/** Props of {@link DataStack}. */
export interface DataStackProps extends EnvironmentStackProps {
  /** Provides the project key and the access-logs bucket. */
  readonly foundation: FoundationStack;
}

/**
 * The data layer: the data lake bucket (or the user's existing one, never managed here), the Glue database of the
 * ETL tables and the Athena workgroup with its encrypted, expiring results bucket.
 */
export class DataStack extends EnvironmentStack {
  /** Name of the data lake bucket: the configured existing bucket or the one this stack creates. */
  public readonly datalakeBucketName: string;
  /** The data lake bucket, when the kit creates it (undefined with `data.existingDatalakeBucket`). */
  public readonly datalakeBucket?: SecureBucket;
  /** Bucket of Athena query results (current objects expire). */
  public readonly athenaResults: SecureBucket;
  /** Glue database of the ETL tables. */
  public readonly glueDatabase: GlueCatalogDatabase;
  /** Athena workgroup the ETL users and jobs query through. */
  public readonly athenaWorkgroup: AthenaWorkgroup;
  /** The directory marker of Spark's event logs (`spark-event-logs/`, zero bytes). */
  public readonly sparkEventLogDirectory: S3Object;

  constructor(scope: Construct, props: DataStackProps) {
    super(scope, 'data', props);
    const { env, foundation } = props;
    const key = foundation.projectKey.key;

    this.datalakeBucketName = datalakeBucketName(env);
    // An existing bucket stays the user's: no resource here, so `terraform destroy` can never touch it.
    if (env.data.existingDatalakeBucket === undefined) {
      this.datalakeBucket = new SecureBucket(this, 'DatalakeBucket', {
        bucketName: this.datalakeBucketName,
        key,
        noncurrentVersionExpirationDays: env.data.noncurrentVersionExpirationDays,
        accessLogs: foundation.accessLogTarget(this.datalakeBucketName),
      });
    }

    // `spark.eventLog.dir` must be an existing directory: S3A's getFileStatus finds it through this zero-byte
    // marker, so every SparkContext (and the History Server) starts on an empty lake too. In an existing bucket the
    // marker is the only object the kit manages; `terraform destroy` removes it and nothing else.
    this.sparkEventLogDirectory = new S3Object(this, 'SparkEventLogDirectory', {
      bucket: this.datalakeBucketName,
      key: S3_PREFIXES.sparkEventLogs,
      content: '',
      contentType: 'application/x-directory',
      serverSideEncryption: 'aws:kms',
      kmsKeyId: key.arn,
      bucketKeyEnabled: true,
      ...(this.datalakeBucket === undefined ? {} : { dependsOn: [this.datalakeBucket.bucket] }),
    });

    const resultsBucketName = bucketName(env, 'athena-results');
    this.athenaResults = new SecureBucket(this, 'AthenaResultsBucket', {
      bucketName: resultsBucketName,
      key,
      // Query results are disposable and re-creatable by re-running the query: no versions to keep.
      versioned: false,
      expirationDays: env.data.athenaResultsExpirationDays,
      accessLogs: foundation.accessLogTarget(resultsBucketName),
    });

    // The Glue Data Catalog encryption settings (aws_glue_data_catalog_encryption_settings) are one object per
    // account and region; a deployment that set them would overwrite another deployment's in the same account, so
    // the kit leaves them to the account owner.
    this.glueDatabase = new GlueCatalogDatabase(this, 'GlueDatabase', {
      name: glueDatabaseName(env),
      description: `${resourcePrefix(env)}: ETL tables (Delta Lake) written by the SQL ETL jobs`,
      locationUri: `s3://${this.datalakeBucketName}/${S3_PREFIXES.tables}`,
    });

    // Each team's own databases (the environment's is created above; a team owning it needs no second one), located
    // under the team's first prefix so tables created without a location land where the team may write.
    for (const team of env.teams) {
      for (const database of team.owns.databases.filter((db) => db !== glueDatabaseName(env))) {
        new GlueCatalogDatabase(this, `TeamDatabase-${database}`, {
          name: database,
          description: `${resourcePrefix(env)}: tables of team ${team.name}`,
          locationUri: `s3://${this.datalakeBucketName}/${team.owns.prefixes[0]}`,
        });
      }
    }

    this.athenaWorkgroup = new AthenaWorkgroup(this, 'AthenaWorkgroup', {
      name: athenaWorkgroupName(env),
      description: `${resourcePrefix(env)}: queries over the ETL tables`,
      state: 'ENABLED',
      // A workgroup holding named queries is removed deliberately, not by `terraform destroy`.
      forceDestroy: false,
      configuration: {
        // Clients cannot override the result location, encryption or scan limit.
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: env.data.athenaBytesScannedCutoff,
        engineVersion: { selectedEngineVersion: ATHENA_ENGINE_VERSION },
        resultConfiguration: {
          outputLocation: `s3://${resultsBucketName}/${ATHENA_RESULTS_PREFIX}`,
          expectedBucketOwner: env.account,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKeyArn: key.arn },
        },
      },
      // The results bucket and its encryption exist before the first query can run.
      dependsOn: [this.athenaResults.bucket],
    });

    new TerraformOutput(this, 'DatalakeBucketName', {
      value: this.datalakeBucketName,
      description: 'Bucket of the data lake (ETL tables, Spark event logs and Spark logs)',
    });
    new TerraformOutput(this, 'AthenaResultsBucketName', {
      value: resultsBucketName,
      description: `Bucket of Athena query results (expire after ${env.data.athenaResultsExpirationDays} days)`,
    });
    new TerraformOutput(this, 'GlueDatabaseName', {
      value: this.glueDatabase.name,
      description: 'Glue database of the ETL tables',
    });
    new TerraformOutput(this, 'AthenaWorkgroupName', {
      value: this.athenaWorkgroup.name,
      description: 'Athena workgroup for queries over the ETL tables',
    });
  }
}
