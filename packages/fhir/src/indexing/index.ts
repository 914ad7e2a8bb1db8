export * from './index-rows.ts';
export * from './normalize.ts';
