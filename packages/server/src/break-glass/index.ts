export { BREAK_GLASS_DEFINITION, breakGlassRoutes } from './break-glass-route.ts';
