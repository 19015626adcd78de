/**
 * config/'s one door: everything other rooms (infra/, k8s/, verify/, engines/, etl/, tools/) may import from config/.
 * Lint refuses an import of a file below config/ from outside it (eslint.config.mjs).
 */
export * from './assets';
export * from './aws-regions';
export * from './contract';
export * from './dist-layout';
export * from './environment';
export * from './images';
export * from './load';
export * from './naming';
export * from './network';
export * from './scheduling';
export * from './teams';
export * from './spark-runtime';
export * from './web';
export * from './system-instances';
export * from './versions';
export * from './cli';
export * from './environment-syntax';
export * from './environments';
export * from './pipelines';
export * from './readme-versions';
export * from './shipped';
export * from './upstream';
