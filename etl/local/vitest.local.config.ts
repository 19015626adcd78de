import { defineConfig } from 'vitest/config';

/**
 * The local-run tier of `make test` (make local-test): pipelines executed on a local Spark, their data asserted.
 * Separate from the unit tier because it needs `make local-env` (Python, PySpark, Java 17). One file at a time:
 * each run starts its own Spark JVM, and two at once would only compete for the two cores.
 */
export default defineConfig({
  test: {
    include: ['etl/local/**/*.local.test.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
