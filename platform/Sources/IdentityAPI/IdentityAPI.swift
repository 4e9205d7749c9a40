// The identity service's API: its messages, typed errors, server protocol and clients,
// generated at build time from weft/platform/identity/v1/identity.proto by Weft's build plugin.
// Depend on this target to call identity; the service itself is the `Identity` target.
