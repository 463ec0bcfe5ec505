export * from './stored-response.types';
export * from './stored-response.store';
