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
    // Each worker keeps its module registry from one test file to the next: with isolation, every file imported
    // config/, cdktf and the provider bindings afresh (66 s of import time in a 147 s run without the Arc runs; 18 s
    // of 86 s without). No test mocks modules, stubs globals or changes process.env; state a test makes lives in its
    // own objects, temporary folders or repository copies (test-support/temp-repo.ts).
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    coverage: { exclude: ['imports/**', 'dist/**'] },
  },
});
