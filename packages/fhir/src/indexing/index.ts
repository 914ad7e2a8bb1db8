export * from './index-rows.ts';
export * from './normalize.ts';
export { extractIndexRows, extractReferenceRows, indexExpressionFallbacks } from './extract-index.ts';
