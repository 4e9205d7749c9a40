// WeftInterop: the types of ../shared/interop/interop.proto (KitchenSink, SimpleRequest, …),
// generated from the symlinked schema by WeftCodegenPlugin on every build. The TestService
// implementation and the `weft-interop` executable will build on this module.
