/**
 * verify/'s one door: what other rooms may use of it (the engines and tools that read dist/ and the pinned upstream
 * files, and infra's tests that check their Helm values as verify would). Lint refuses an import of a file below
 * verify/ from outside it (eslint.config.mjs); verify/ itself imports neither infra/ nor k8s/.
 */
export * from './chart-cache';
export * from './dist';
export * from './engine-corpus';
export * from './helm-values';
export * from './run';
export * from './schemas';
export * from './upstream-cache';
