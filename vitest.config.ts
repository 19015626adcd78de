import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'config/**/*.test.ts',
      'infra/**/*.test.ts',
      'k8s/**/*.test.ts',
      'verify/**/*.test.ts',
      'etl/**/*.test.ts',
      'engines/**/*.test.ts',
      'tools/**/*.test.ts',
      'test-support/**/*.test.ts',
    ],
    // The local-run tier needs a local Spark (make local-env); make local-test runs it.
    exclude: ['**/node_modules/**', 'etl/local/**/*.local.test.ts'],
    // Synthesizing the AWS provider bindings is CPU-bound; two cores, two workers.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    coverage: { exclude: ['imports/**', 'dist/**'] },
  },
});
