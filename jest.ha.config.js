// The HA suite (npm run test:ha): real gateway processes (the `npm run build` output) behind nginx
// with a private Redis and a fresh Postgres database. Not part of `npm test`: CI runs it as its own
// step. Same transform and path aliases as the unit project of jest.config.js.
const { projects } = require('./jest.config.js');

const { displayName: _name, testMatch: _match, ...base } = projects[0];

module.exports = {
  ...base,
  displayName: 'ha',
  testMatch: ['<rootDir>/test/ha/**/*.ha-spec.ts'],
  testTimeout: 30000,
};
