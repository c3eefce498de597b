import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The end-to-end tests run the compiled bot, as `npm start` does.
    globalSetup: ['test/helpers/build-dist.ts'],
  },
});
