export * from './index-rows.ts';
export * from './normalize.ts';
export { extractIndexRows, indexExpressionFallbacks } from './extract-index.ts';
