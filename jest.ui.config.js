// The browser suite (npm run test:ui): the built gateway (console included) as a real process
// with stub upstreams, driven by playwright-core in Debian's Chromium (/usr/bin/chromium). Not
// part of `npm test`: CI runs it as its own step, serially. Same transform and path aliases as
// the unit project of jest.config.js.
const { projects } = require('./jest.config.js');

const { displayName: _name, testMatch: _match, ...base } = projects[0];

module.exports = {
  ...base,
  displayName: 'ui',
  testMatch: ['<rootDir>/test/ui/**/*.ui-spec.ts'],
  testTimeout: 60000,
};
