// The catalog service's API: its messages, events, typed errors, server protocol and clients,
// generated at build time from weft/platform/catalog/v1/catalog.proto by Weft's build plugin.
// Depend on this target to call the catalog or read its events; the service is `Catalog`.
