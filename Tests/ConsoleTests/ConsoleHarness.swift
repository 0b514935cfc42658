import ControlPlane
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
@testable import Console
@testable import Server

/// The console's routes on a real Hummingbird router, driven in-process like a browser would:
/// a cookie jar, forms, redirects not followed (tests look at them).
final class ConsoleHarness: @unchecked Sendable {
    let directory: URL
    let keys: KeyStore
    let users: UserStore
    let console: Console
    let responder: any HTTPResponder<WebRequestContext>
    /// The throttle's clock, in seconds: tests move it instead of waiting.
    let clock = NIOLockedValueBox(1_000_000.0)
    let peerAddress = NIOLockedValueBox("198.51.100.7")
    static let password = "correct horse battery"

    init(tls: Bool = false, live: LiveSessions = LiveSessions(), csvs: SessionCSVs? = nil, index: SessionIndex? = nil,
         blocks: JournalBlocks? = nil) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-console-\(UUID().uuidString)")
        keys = try await KeyStore.open(dataDirectory: directory)
        users = try await UserStore.open(dataDirectory: directory)
        var settings = Console.Settings()
        settings.tls = tls
        settings.resultsDirectory = directory.appendingPathComponent("results")
        settings.journalDirectory = directory.appendingPathComponent("journal")
        settings.csvs = csvs
        (settings.sessionIndex, settings.journalBlocks) = (index, blocks)
        let clock = self.clock
        // Cost 4, the minimum: the tests check behaviour, not bcrypt's slowness.
        console = Console(keys: keys, users: users, passwords: Passwords(cost: 4),
                          throttle: LoginThrottle(limit: 5, window: 900, now: { clock.withLockedValue { $0 } }), live: live, settings: settings)
        let router = Router(context: WebRequestContext.self)
        let peer = peerAddress
        console.addRoutes(to: router, peer: { _ in peer.withLockedValue { $0 } })
        responder = router.buildResponder()
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// An organization with one key and one user.
    @discardableResult
    func organization(_ name: String, email: String) async throws -> IssuedKey {
        let issued = try await keys.create(organization: name, label: "dialer")
        try await users.createUser(organization: name, email: email, passwordHash: try Passwords(cost: 4).hash(Self.password))
        return issued
    }

    func browser() -> Browser { Browser(harness: self) }
}

struct Page {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: String
    /// The body's bytes as sent (a WAV, say, which `body` would mangle).
    var bytes: [UInt8] = []
    var location: String? { headers[.location] }
    var setCookies: [String] { headers[values: .setCookie] }
    var json: [String: String] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: String] ?? [:]
    }

    /// The value of the first hidden `csrf` field in the page.
    var csrfField: String? {
        guard let range = body.range(of: #"name="csrf" value="([^"]*)""#, options: .regularExpression) else { return nil }
        return String(body[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
    }

    var csrfMeta: String? {
        guard let range = body.range(of: #"name="csrf-token" content="([^"]*)""#, options: .regularExpression) else { return nil }
        return String(body[range].dropFirst(#"name="csrf-token" content=""#.count).dropLast())
    }
}

/// One browser: keeps cookies as a browser would (by name; Max-Age=0 deletes).
final class Browser: @unchecked Sendable {
    let harness: ConsoleHarness
    var cookies: [String: String] = [:]

    init(harness: ConsoleHarness) { self.harness = harness }

    func get(_ path: String) async throws -> Page { try await send(.get, path) }

    func post(_ path: String, form: [String: String] = [:], headers: HTTPFields = [:]) async throws -> Page {
        let body = form.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.encode($0.value))" }.joined(separator: "&")
        var headers = headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await send(.post, path, body: body, headers: headers)
    }

    func send(_ method: HTTPRequest.Method, _ path: String, body: String = "", headers: HTTPFields = [:]) async throws -> Page {
        var fields = headers
        if !cookies.isEmpty {
            fields[.cookie] = cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        }
        let head = HTTPRequest(method: method, scheme: "http", authority: "console.test:8080", path: path, headerFields: fields)
        let request = Request(head: head, body: .init(buffer: ByteBuffer(string: body)))
        let channel = EmbeddedChannel()
        let context = WebRequestContext(source: .init(channel: channel, logger: .init(label: "test")))
        let response: Response
        do {
            response = try await harness.responder.respond(to: request, context: context)
        } catch let error as HTTPError {
            return Page(status: error.status, headers: [:], body: "")
        }
        let collector = Collector()
        try await response.body.write(collector)
        for cookie in response.headers[values: .setCookie] {
            let pair = cookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
            if cookie.contains("Max-Age=0") || value.isEmpty { cookies[name] = nil } else { cookies[name] = value }
        }
        return Page(status: response.status, headers: response.headers, body: collector.text,
                    bytes: Array(buffer: collector.bytes))
    }

    /// Loads the login page and signs in with the form's own token.
    @discardableResult
    func signIn(_ email: String, password: String = ConsoleHarness.password) async throws -> Page {
        let form = try await get("/console/login")
        return try await post("/console/login", form: ["csrf": form.csrfField ?? "", "email": email, "password": password])
    }

    static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}

final class Collector: ResponseBodyWriter, @unchecked Sendable {
    var bytes = ByteBuffer()
    var text: String { String(buffer: bytes) }
    func write(_ buffer: ByteBuffer) async throws { var buffer = buffer; bytes.writeBuffer(&buffer) }
    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
