// Typed keys: a key that is not in the English catalog is a type error in `t()` (English is the
// reference; catalogs.test.ts holds every other catalog to the same keys).
import "i18next";
import type en from "./en.json";

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "translation";
    resources: { translation: typeof en };
    returnNull: false;
  }
}
