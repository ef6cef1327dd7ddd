// Modules that scripts/build-web.mjs makes while bundling.

/** Every web/i18n/*.json, by language tag. Adding a file there adds a language. */
declare module 'veche:i18n' {
  const catalogs: Record<string, Record<string, string>>;
  export default catalogs;
}
