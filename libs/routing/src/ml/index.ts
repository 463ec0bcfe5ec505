export * from './ml.types';
export * from './float-codec';
