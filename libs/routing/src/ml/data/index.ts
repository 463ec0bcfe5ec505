export * from './csv.parser';
export * from './score-matrix.builder';
export * from './price-table';
export * from './score-matrix.reader';
export * from './long-format.reader';
export * from './routellm-csv.reader';
export * from './dataset.loader';
