// The interactive API references, /docs (the v1 API) and /ogc/docs (OGC API Features):
// Swagger UI (served from /vendor, no CDN) rendering the document its page names in
// `data-document`. Everything it loads comes from this origin.
const root = document.getElementById('swagger-ui');
SwaggerUIBundle({
  url: root.dataset.document,
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
