// The JavaScript linter (make lint): ESLint's recommended rules on the phone app and the
// pages' script, as the browser and the service worker run them. No build step: the
// files linted are the files served.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["node_modules/", "pwa/vendor/", ".venv/"] },
  js.configs.recommended,
  {
    files: ["pwa/**/*.js"],
    languageOptions: { sourceType: "module", globals: globals.browser },
  },
  {
    files: ["pwa/sw.js"],
    languageOptions: { sourceType: "script", globals: globals.serviceworker },
  },
  {
    files: ["server/static/*.js"],
    languageOptions: { sourceType: "script", globals: globals.browser },
  },
  {
    rules: {
      // `catch { /* why */ }` is how the app says an error is expected; an unused
      // argument named _x says the same of a parameter
      "no-empty": ["error", { allowEmptyCatch: true }],
      "no-unused-vars": ["error", { argsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
];
