import Audio
import ArgumentParser
import Foundation
import StreamClient
import StreamProtocol

struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Stream a WAV file to a Tapedeck (or any seed/AudioHook) endpoint and print what comes back.")

    @Argument(help: "WAV file (any rate; stereo = customer left, agent right for AudioHook).") var file: String
    @Option(help: "Endpoint, e.g. ws://127.0.0.1:8080/v1/stream.") var url = "ws://127.0.0.1:8080/v1/stream"
    @Option(help: "API key.") var apiKey: String
    @Option(help: "Dialect: seed or audiohook.") var dialect = "seed"
    @Option(help: "AudioHook client secret (base64) to sign the request.") var clientSecret: String?
    @Option(help: "Pace: 1 = real time, 2 = twice as fast, max = as fast as possible.") var speed = "1"
    @Option(help: "Spoken language (seed: en|tr; AudioHook: en-US|tr-TR). Omit to auto-detect.") var language: String?
    @Option(help: "Concurrent sessions to run with the same file.") var sessions = 1

    func validate() throws {
        guard Dialect(rawValue: dialect) != nil else { throw ValidationError("--dialect is seed or audiohook") }
        guard speed == "max" || (Double(speed) ?? 0) > 0 else { throw ValidationError("--speed is a positive factor or max") }
        guard (1...1000).contains(sessions) else { throw ValidationError("--sessions must be 1-1000") }
    }

    func run() async throws {
        let audio = try WAVFile.read(URL(fileURLWithPath: file))
        var options = StreamClient.Options(url: url, apiKey: apiKey)
        options.dialect = Dialect(rawValue: dialect) ?? .seed
        options.clientSecret = clientSecret
        options.pace = speed == "max" ? .max : .realtime(Double(speed) ?? 1)
        options.language = language
        let printEvents = sessions == 1
        let settings = options
        let started = Date()
        let outcomes = try await withThrowingTaskGroup(of: StreamClient.Outcome.self) { group in
            for _ in 0..<sessions {
                group.addTask {
                    try await StreamClient(options: settings).run(audio: audio) { text in
                        if printEvents { print(text); fflush(nil) }  // nil: every stream (Swift 6 refuses the C global `stdout`)
                    }
                }
            }
            var all: [StreamClient.Outcome] = []
            for try await outcome in group { all.append(outcome) }
            return all
        }
        let seconds = Date().timeIntervalSince(started)
        let closed = outcomes.filter(\.gotClosed).count
        FileHandle.standardError.write(Data(String(format: "%d session(s), %.1f s of audio each, %d closed cleanly, %.1f s wall time\n",
                                                   outcomes.count, audio.duration, closed, seconds).utf8))
        if closed < outcomes.count { throw ExitCode(1) }
    }
}
