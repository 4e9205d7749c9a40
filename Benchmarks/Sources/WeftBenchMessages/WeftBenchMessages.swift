// WeftBenchMessages: the types of bench.proto (linked to the repository's copy in Tests/CrossLanguage/CodecProbe), generated
// by Weft's build plugin, exactly as a user's target gets them.
