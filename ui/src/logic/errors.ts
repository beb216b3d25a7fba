// What the UI says for each error code: worded from the catalogs in the language shown
// (i18n/errors.ts). Kept here so the components and logic that import it from logic/ go on working.
export { describeError } from "../i18n/errors";
