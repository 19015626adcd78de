/**
 * Kubernetes Secrets the platform charts read but do not create: the External Secrets Operator syncs each from
 * Secrets Manager (k8s layer). The definition is shared with the k8s layer, so it lives in config/.
 */
export { OIDC_CLIENT_SECRETS, syncedSecretSource, type SyncedSecret } from '../../../config';
