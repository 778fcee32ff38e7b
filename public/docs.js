// The interactive API reference at /docs: Swagger UI (served from /vendor, no CDN) rendering
// /openapi.json. Everything it loads comes from this origin.
SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  // Only the API layout: the standalone preset's top bar lets visitors load any URL.
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  deepLinking: true,
  // The default sends the document to validator.swagger.io for a badge.
  validatorUrl: null,
  // Never take a document URL from the page's query string (?url=, ?configUrl=).
  queryConfigEnabled: false,
});
