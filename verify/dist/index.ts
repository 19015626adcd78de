/** dist/, read once (load.ts) into one object model (model.ts); every check of verify/ takes its objects from here. */
export * from './load';
export * from './model';
export * from './yaml';
