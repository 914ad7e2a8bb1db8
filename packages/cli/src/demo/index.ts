/** The demo area: `createDemoArea` fills an empty store; `readDemoAccounts` lists its sign-in accounts. */
export { createDemoArea, DEMO_AREA_SETTING, MAX_DEMO_PEOPLE, type DemoOptions, type DemoSummary } from './create-demo-area.ts';
export { readDemoAccounts, DEMO_ACCOUNTS_SETTING, FrontDoor, type DemoAccount } from './demo-accounts.ts';
