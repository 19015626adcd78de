/**
 * k8s/'s one door: the Kubernetes layer as other rooms may use it (an environment's charts into a cdk8s app, or
 * synthesized to a folder). k8s/ never imports infra/ and infra/ never imports k8s/: they meet only through config/
 * and dist/. Lint refuses an import of a file below k8s/ from outside it (eslint.config.mjs).
 */
export { addEnvironmentCharts, synthEnvironment, type EnvironmentInput } from './app';
