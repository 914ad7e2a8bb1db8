export * from './search-request.ts';
