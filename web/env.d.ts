// Modules that scripts/build-web.mjs makes while bundling.

/** The English catalog (bundled), and the own name of every language in web/i18n/ (the others are
 *  fetched from /assets/i18n/LANG.json when chosen). Adding a file there adds a language. */
declare module 'veche:i18n' {
  export const english: Record<string, string>;
  export const names: Record<string, string>;
}
