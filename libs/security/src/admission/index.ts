export * from './admission.types';
export * from './admission.service';
