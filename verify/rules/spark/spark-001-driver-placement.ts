import { NODE_POOLS, POOL_LABEL_KEY } from '../../../config';
import { sparkPods } from '../lib/pods';
import { sparkSpecOf } from '../lib/spark';
import { blocks, record, show, strings } from '../lib/values';
import { type KubernetesRule, notApplicable, verdict } from '../lib/rule';

/** Node labels that carry the capacity type, and the value each uses for spot. */
const CAPACITY_LABELS: Readonly<Record<string, string>> = {
  'karpenter.sh/capacity-type': 'spot',
  'eks.amazonaws.com/capacityType': 'SPOT',
};
const DRIVER_POOL = NODE_POOLS.sparkDriver.name;
const SPOT_POOLS = Object.values(NODE_POOLS)
  .filter((p) => (p.capacityTypes as readonly string[]).includes('spot'))
  .map((p) => p.name);

/** What a node selector expression admits for a label, given the label's possible values. */
function admits(expression: Record<string, unknown>, value: string): boolean {
  const values = strings(expression.values);
  switch (expression.operator) {
    case 'In':
      return values.includes(value);
    case 'NotIn':
      return !values.includes(value);
    case 'DoesNotExist':
      return false;
    default:
      return true;
  }
}

/** The capacity labels an expression list explicitly admits spot on. */
function spotExpressions(expressions: Record<string, unknown>[]): string[] {
  return Object.entries(CAPACITY_LABELS)
    .filter(([label, spot]) => {
      const on = expressions.filter((e) => e.key === label);
      return on.length > 0 && on.every((e) => admits(e, spot));
    })
    .map(([label, spot]) => `${label}=${spot}`);
}

/** True when the expressions admit the driver pool and nothing else. */
function onlyDriverPool(expressions: Record<string, unknown>[]): boolean {
  const pool = expressions.filter((e) => e.key === POOL_LABEL_KEY);
  return (
    pool.length > 0 &&
    pool.every((e) => admits(e, DRIVER_POOL)) &&
    pool.some((e) => e.operator === 'In' && strings(e.values).every((v) => v === DRIVER_POOL))
  );
}

/** SPARK-001: drivers run on on-demand capacity, in the driver pool. */
export const SPARK_001: KubernetesRule = {
  id: 'SPARK-001',
  info: `Spark drivers select the ${DRIVER_POOL} pool (${POOL_LABEL_KEY}) and never spot capacity`,
  rationale:
    "Losing the driver loses the whole application and its executors' work; executors on spot are replaced, a " +
    'driver is not. The driver pool launches on-demand capacity only.',
  appliesTo: 'kubernetes',
  evaluate(object) {
    const found = sparkSpecOf(object.manifest);
    if (found === undefined) return notApplicable();
    const driver = sparkPods(found.spec)[0];
    const failures: string[] = [];
    const selector = driver.nodeSelector;
    for (const [label, spot] of Object.entries(CAPACITY_LABELS)) {
      if (selector[label] === spot) failures.push(`driver nodeSelector selects ${label}=${spot}`);
    }
    const selectedPool = selector[POOL_LABEL_KEY];
    if (selectedPool !== undefined && selectedPool !== DRIVER_POOL) {
      failures.push(
        `driver nodeSelector selects ${POOL_LABEL_KEY}=${show(selectedPool)}; use ${DRIVER_POOL}`,
      );
    }
    const nodeAffinity = record(record(driver.affinity).nodeAffinity);
    const terms = blocks(
      record(nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution).nodeSelectorTerms,
    ).map((term) => blocks(term.matchExpressions));
    terms.forEach((expressions, i) => {
      for (const spot of spotExpressions(expressions)) {
        failures.push(`driver required node affinity term ${i} admits ${spot}`);
      }
      const spotPools = SPOT_POOLS.filter((p) =>
        expressions.filter((e) => e.key === POOL_LABEL_KEY).some((e) => e.operator === 'In' && admits(e, p)),
      );
      if (spotPools.length > 0)
        failures.push(`driver required node affinity term ${i} admits pool ${spotPools.join(', ')}`);
    });
    blocks(nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution).forEach((preference, i) => {
      const expressions = blocks(record(preference.preference).matchExpressions);
      if (
        expressions.some(
          (e) =>
            e.operator === 'In' &&
            Object.entries(CAPACITY_LABELS).some(([l, v]) => e.key === l && admits(e, v)),
        )
      ) {
        failures.push(`driver preferred node affinity ${i} prefers spot`);
      }
    });
    const selectsPool = selectedPool === DRIVER_POOL || (terms.length > 0 && terms.every(onlyDriverPool));
    if (!selectsPool) {
      failures.push(
        `driver does not select the ${DRIVER_POOL} pool; set nodeSelector ${POOL_LABEL_KEY}: ${DRIVER_POOL}`,
      );
    }
    return verdict(failures);
  },
};
