/**
 * The policy rule registry: every rule `make verify` applies, in report order (AWS layer, then Kubernetes). A rule
 * not listed here does not run; policy.test.ts checks that every rule file is listed.
 */
import { S3_001 } from './s3/s3-001-encryption';
import { S3_002 } from './s3/s3-002-public-access-block';
import { S3_003 } from './s3/s3-003-tls-only';
import { S3_004 } from './s3/s3-004-versioning';
import { S3_005 } from './s3/s3-005-access-logging';
import { S3_006 } from './s3/s3-006-ownership';
import { S3_007 } from './s3/s3-007-bucket-companions';
import { TEAM_001 } from './team/team-001-no-cross-team-write';
import { KMS_001 } from './kms/kms-001-rotation';
import { KMS_002 } from './kms/kms-002-deletion-window';
import { KMS_003 } from './kms/kms-003-key-policy-principals';
import { IAM_001 } from './iam/iam-001-no-wildcard-action';
import { IAM_002 } from './iam/iam-002-no-service-wildcard';
import { IAM_003 } from './iam/iam-003-wildcard-resource';
import { IAM_004 } from './iam/iam-004-irsa-trust';
import { IAM_005 } from './iam/iam-005-pod-identity-trust';
import { IAM_006 } from './iam/iam-006-no-root-trust';
import { IAM_007 } from './iam/iam-007-no-not-elements';
import { IAM_008 } from './iam/iam-008-no-admin-managed-policies';
import { EKS_001 } from './eks/eks-001-control-plane-logs';
import { EKS_002 } from './eks/eks-002-secrets-encryption';
import { EKS_003 } from './eks/eks-003-endpoint-access';
import { EKS_004 } from './eks/eks-004-authentication-mode';
import { EKS_005 } from './eks/eks-005-imdsv2';
import { EKS_006 } from './eks/eks-006-encrypted-volumes';
import { EKS_007 } from './eks/eks-007-node-class';
import { EKS_008 } from './eks/eks-008-node-group-launch-template';
import { EKS_009 } from './eks/eks-009-no-creator-admin';
import { NET_001 } from './net/net-001-no-open-ingress';
import { NET_002 } from './net/net-002-endpoint-private-dns';
import { NET_003 } from './net/net-003-flow-logs';
import { NET_004 } from './net/net-004-default-security-group';
import { NET_005 } from './net/net-005-no-public-ip';
import { CF_001 } from './cf/cf-001-viewer-https';
import { CF_002 } from './cf/cf-002-viewer-tls';
import { CF_003 } from './cf/cf-003-origin-header';
import { CF_004 } from './cf/cf-004-origin-https';
import { CF_005 } from './cf/cf-005-access-logs';
import { ECR_001 } from './ecr/ecr-001-immutable-tags';
import { ECR_002 } from './ecr/ecr-002-scan-on-push';
import { ECR_003 } from './ecr/ecr-003-kms';
import { ECR_004 } from './ecr/ecr-004-lifecycle-policy';
import { ATH_001 } from './ath/ath-001-enforce-configuration';
import { ATH_002 } from './ath/ath-002-results-encryption';
import { ATH_003 } from './ath/ath-003-bytes-scanned-cutoff';
import { LOG_001 } from './log/log-001-retention';
import { LOG_002 } from './log/log-002-kms';
import { SQS_001 } from './sqs/sqs-001-encryption';
import { SM_001 } from './sm/sm-001-kms';
import { POD_001 } from './pod/pod-001-run-as-non-root';
import { POD_002 } from './pod/pod-002-no-privileged';
import { POD_003 } from './pod/pod-003-no-host-path';
import { POD_004 } from './pod/pod-004-no-host-namespaces';
import { POD_005 } from './pod/pod-005-seccomp';
import { POD_006 } from './pod/pod-006-drop-capabilities';
import { POD_007 } from './pod/pod-007-no-privilege-escalation';
import { POD_008 } from './pod/pod-008-resources';
import { IMG_001 } from './img/img-001-pinned-images';
import { RBAC_001 } from './rbac/rbac-001-no-wildcards';
import { RBAC_002 } from './rbac/rbac-002-no-cluster-admin';
import { RBAC_003 } from './rbac/rbac-003-job-accounts-no-secrets';
import { RBAC_004 } from './rbac/rbac-004-no-escalation-verbs';
import { ARGO_001 } from './argo/argo-001-ttl-strategy';
import { ARGO_002 } from './argo/argo-002-pod-gc';
import { ARGO_003 } from './argo/argo-003-retry-backoff';
import { ARGO_004 } from './argo/argo-004-no-pod-spec-patch';
import { ARGO_005 } from './argo/argo-005-spark-step-retry-safe';
import { SPARK_001 } from './spark/spark-001-driver-placement';
import { SPARK_002 } from './spark/spark-002-encryption';
import { SPARK_003 } from './spark/spark-003-service-account';
import { SPARK_004 } from './spark/spark-004-operator-denied-conf';
import type { Rule } from './lib/rule';

/** Every rule, in report order. */
export const RULES: readonly Rule[] = [
  S3_001,
  S3_002,
  S3_003,
  S3_004,
  S3_005,
  S3_006,
  S3_007,
  TEAM_001,
  KMS_001,
  KMS_002,
  KMS_003,
  IAM_001,
  IAM_002,
  IAM_003,
  IAM_004,
  IAM_005,
  IAM_006,
  IAM_007,
  IAM_008,
  EKS_001,
  EKS_002,
  EKS_003,
  EKS_004,
  EKS_005,
  EKS_006,
  EKS_007,
  EKS_008,
  EKS_009,
  NET_001,
  NET_002,
  NET_003,
  NET_004,
  NET_005,
  CF_001,
  CF_002,
  CF_003,
  CF_004,
  CF_005,
  ECR_001,
  ECR_002,
  ECR_003,
  ECR_004,
  ATH_001,
  ATH_002,
  ATH_003,
  LOG_001,
  LOG_002,
  SQS_001,
  SM_001,
  POD_001,
  POD_002,
  POD_003,
  POD_004,
  POD_005,
  POD_006,
  POD_007,
  POD_008,
  IMG_001,
  RBAC_001,
  RBAC_002,
  RBAC_003,
  RBAC_004,
  ARGO_001,
  ARGO_002,
  ARGO_003,
  ARGO_004,
  ARGO_005,
  SPARK_001,
  SPARK_002,
  SPARK_003,
  SPARK_004,
];
