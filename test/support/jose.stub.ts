// `jose` (the A2A SDK's card-signing dependency) ships only as an ES module, which this CommonJS
// Jest setup cannot load; jest.config.js maps it here. No test signs or verifies agent cards.
export {};
