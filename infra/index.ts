/**
 * infra/'s one door: the AWS layer as other rooms may use it (build an environment's stacks into a cdktf app, the
 * cost report). k8s/ never imports infra/ and infra/ never imports k8s/: they meet only through config/ and dist/.
 * Lint refuses an import of a file below infra/ from outside it (eslint.config.mjs).
 */
export { addEnvironmentStacks, type EnvironmentStacks } from './app';
export { costReportMarkdown } from './cost/cost-report';
