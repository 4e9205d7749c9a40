// grpc-swift-2 serving the interop TestService's UnaryCall and FullDuplexCall exactly as
// weft-interop does (SwiftProtobuf messages), so both servers do the same work in a benchmark.
// grpc-swift-interop-server --port P [--tls CERT KEY [--client-ca CA]]; prints LISTENING.
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCSwiftSupport
import SwiftProtobufInterop

struct InteropService: RegistrableRPCService {
    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(
            forMethod: InteropMethods.unaryCall,
            deserializer: ProtobufDeserializer<Weft_Interop_V1_SimpleRequest>(),
            serializer: ProtobufSerializer<Weft_Interop_V1_SimpleResponse>()
        ) { request, _ in
            let single = try await ServerRequest(stream: request)
            var response = Weft_Interop_V1_SimpleResponse()
            response.payload.body = Data(count: Int(single.message.responseSize))
            response.receivedPayloadSize = Int32(single.message.payload.body.count)
            return StreamingServerResponse(single: ServerResponse(message: response))
        }
        router.registerHandler(
            forMethod: InteropMethods.fullDuplexCall,
            deserializer: ProtobufDeserializer<Weft_Interop_V1_StreamingOutputCallRequest>(),
            serializer: ProtobufSerializer<Weft_Interop_V1_StreamingOutputCallResponse>()
        ) { request, _ in
            StreamingServerResponse { writer in
                for try await message in request.messages {
                    for parameters in message.responseParameters {
                        var response = Weft_Interop_V1_StreamingOutputCallResponse()
                        response.payload.body = Data(count: Int(parameters.size))
                        try await writer.write(response)
                    }
                }
                return [:]
            }
        }
    }
}

let arguments = CommandLine.arguments
func value(after flag: String, offset: Int = 1) -> String? {
    arguments.firstIndex(of: flag).flatMap { $0 + offset < arguments.count ? arguments[$0 + offset] : nil }
}
let port = Int(value(after: "--port") ?? "0") ?? 0
let security: HTTP2ServerTransport.Posix.TransportSecurity
if let certificate = value(after: "--tls"), let key = value(after: "--tls", offset: 2) {
    let chain: [TLSConfig.CertificateSource] = [.file(path: certificate, format: .pem)]
    if let ca = value(after: "--client-ca") {
        security = .mTLS(certificateChain: chain, privateKey: .file(path: key, format: .pem)) { config in
            config.trustRoots = .certificates([.file(path: ca, format: .pem)])
        }
    } else {
        security = .tls(certificateChain: chain, privateKey: .file(path: key, format: .pem))
    }
} else {
    security = .plaintext
}
let transport = HTTP2ServerTransport.Posix(address: .ipv4(host: "127.0.0.1", port: port), transportSecurity: security)
let server = GRPCServer(transport: transport, services: [InteropService()])
try await withThrowingDiscardingTaskGroup { group in
    group.addTask { try await server.serve() }
    guard let address = try await transport.listeningAddress.ipv4 else { fatalError("not listening on IPv4") }
    FileHandle.standardOutput.write(Data("LISTENING 127.0.0.1:\(address.port)\n".utf8))
}
