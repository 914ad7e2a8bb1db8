/** @kindred/access/testing: the small area the access policy's tests use, for tests of other packages. Never imported by product code. */
export { ANALYST_AREA, AREA, WHO, accessOf, analystAccess, consent, observation, SEX_LABEL, SAFEGUARDING_LABEL, type Who } from './policy/area-fixture.ts';
