// The inventory service's API: its messages, events, typed errors, server protocol and clients,
// generated at build time from weft/platform/inventory/v1/inventory.proto by Weft's build plugin.
// Depend on this target to call inventory or read its events; the service is `Inventory`.
