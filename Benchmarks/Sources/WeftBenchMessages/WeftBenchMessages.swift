// WeftBenchMessages: the types of ../shared/bench/bench.proto, generated from the symlinked
// schema by Weft's build plugin, exactly as a user's target gets them.
