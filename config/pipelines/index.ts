export * from './docs';
export * from './load';
export type * from './model';
export * from './presets';
export * from './runtime-parameters';
export * from './schema';
export * from './invocation';
export * from './limits';
