import ControlPlane
import Foundation
import HTTPTypes
import Hummingbird
import Journal
import Logging
import NIOCore
import Server

/// The operator console: server-rendered pages under `/console` on the stream server's port.
///
/// Every organization-scoped page and action lives under `/console/orgs/<org>/…`, and a user of
/// another organization gets the same 404 as for a page that does not exist: the console never
/// confirms that an organization (or one of its keys) exists to someone outside it.
public struct Console: Sendable {
    public struct Settings: Sendable {
        /// Under TLS the cookies are `Secure`, and the snippet says `wss://`.
        public var tls = false
        public var streamPath = "/v1/stream"
        public var sessionLifetimeSeconds: Int64 = 12 * 3600
        /// Where the server writes each ended session's CSV files (History reads them); no history without it.
        public var resultsDirectory: URL?
        /// The journal root and key, for the call page's journal verification state.
        public var journalDirectory: URL?
        public var journalKey: JournalKey?
        /// The cluster's copy of every session's CSVs: downloads and range exports of calls
        /// another node took (nil on one node, where the results folder has them all).
        public var csvs: SessionCSVs?
        /// The cluster's session index and journal copies: the journal state and audio of a
        /// call whose journal is on another node.
        public var sessionIndex: SessionIndex?
        public var journalBlocks: JournalBlocks?
        public init() {}
    }

    let keys: KeyStore
    let users: UserStore
    let passwords: Passwords
    let throttle: LoginThrottle
    let settings: Settings
    let logger: Logger
    /// The server's open sessions (the same registry `TapedeckServer` publishes to).
    let live: LiveSessions

    static let sessionCookie = "tapedeck_session"
    static let loginCookie = "tapedeck_login"

    public init(keys: KeyStore, users: UserStore, passwords: Passwords = Passwords(), throttle: LoginThrottle = LoginThrottle(),
                live: LiveSessions = LiveSessions(), settings: Settings = Settings(), logger: Logger = Logger(label: "tapedeck.console")) {
        self.live = live
        self.keys = keys
        self.users = users
        self.passwords = passwords
        self.throttle = throttle
        self.settings = settings
        self.logger = logger
    }

    /// Adds the console's routes to the server's router.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>, peer: @escaping @Sendable (Context) -> String) {
        let console = self
        router.get("/console") { _, _ in Response.redirect(to: "/console/profile") }
        router.get("/console/assets/console.css") { _, _ in Self.asset(Assets.css, type: "text/css; charset=utf-8") }
        router.get("/console/assets/console.js") { _, _ in Self.asset(Assets.javascript, type: "text/javascript; charset=utf-8") }
        router.get("/console/login") { request, _ in try await console.loginPage(request) }
        router.post("/console/login") { request, context in try await console.login(request, peer: peer(context)) }
        router.post("/console/logout") { request, _ in try await console.logout(request) }
        router.get("/console/profile") { request, _ in
            guard let session = try await console.session(request) else { return Self.toLogin() }
            return Response.redirect(to: "/console/orgs/\(session.user.organization)/profile")
        }
        router.get("/console/orgs/:org/profile") { request, context in
            try await console.scoped(request, context) { session in try await console.profile(session, request: request) }
        }
        addLiveRoutes(to: router)
        addHistoryRoutes(to: router)
        router.post("/console/orgs/:org/keys") { request, context in
            try await console.form(request, context) { session, _ in
                let issued = try await console.keys.create(organization: session.user.organization, label: "console")
                console.audit("issued key", session, key: issued.info.id)
                return Self.backToProfile(session, notice: "issued")
            }
        }
        router.post("/console/orgs/:org/keys/:id/rotate") { request, context in
            try await console.form(request, context) { session, id in
                guard let id, let issued = try? await console.keys.rotate(id: id, organization: session.user.organization) else {
                    return console.notFound(session)
                }
                console.audit("rotated key", session, key: id, metadata: ["replacement": "\(issued.info.id)"])
                return Self.backToProfile(session, notice: "rotated")
            }
        }
        router.post("/console/orgs/:org/keys/:id/revoke") { request, context in
            try await console.form(request, context) { session, id in
                guard let id, (try? await console.keys.revoke(id: id, organization: session.user.organization)) != nil else {
                    return console.notFound(session)
                }
                console.audit("revoked key", session, key: id)
                return Self.backToProfile(session, notice: "revoked")
            }
        }
        // The secrets come by a CSRF-checked POST, not in the page: a page left open, cached or
        // screenshotted shows only masks until someone clicks.
        router.post("/console/orgs/:org/keys/:id/reveal") { request, context in
            try await console.scoped(request, context) { session in
                guard Tokens.equal(request.headers[HTTPField.Name("X-CSRF-Token")!] ?? "", session.csrfToken) else {
                    return Self.json(["error": "the page is out of date: reload it"], status: .forbidden)
                }
                guard let id = context.parameters.get("id"),
                      let credentials = try await console.keys.credentials(id: id, organization: session.user.organization),
                      credentials.info.revokedAt == nil else { return Self.json(["error": "not found"], status: .notFound) }
                console.audit("revealed key", session, key: id)
                return Self.json(["apiKey": credentials.apiKey ?? "", "clientSecret": credentials.clientSecret ?? ""], status: .ok)
            }
        }
    }

    // MARK: Sessions

    func session(_ request: Request) async throws -> ConsoleSession? {
        guard let token = request.cookies[Self.sessionCookie]?.value, !token.isEmpty else { return nil }
        return try await users.session(token: token)
    }

    /// Signed in, and of the organization in the path; otherwise login or 404.
    func scoped<Context: RequestContext>(_ request: Request, _ context: Context, _ body: (ConsoleSession) async throws -> Response) async throws -> Response {
        guard let session = try await self.session(request) else { return Self.toLogin() }
        guard context.parameters.get("org") == session.user.organization else { return notFound(session) }
        return try await body(session)
    }

    /// A state-changing form: signed in, of the path's organization, carrying the session's CSRF token.
    func form<Context: RequestContext>(_ request: Request, _ context: Context,
                                       _ body: (ConsoleSession, String?) async throws -> Response) async throws -> Response {
        guard let session = try await self.session(request) else { return Self.toLogin() }
        guard context.parameters.get("org") == session.user.organization else { return notFound(session) }
        let fields = try await Self.formFields(request)
        guard Tokens.equal(fields["csrf"] ?? "", session.csrfToken) else { return expiredForm(session) }
        return try await body(session, context.parameters.get("id"))
    }

    // MARK: Login and logout

    func loginPage(_ request: Request, error: String? = nil, email: String = "", status: HTTPResponse.Status = .ok) async throws -> Response {
        if error == nil, let session = try await self.session(request) {
            return Response.redirect(to: "/console/orgs/\(session.user.organization)/profile")
        }
        // Before there is a session, the login form's CSRF token is a double-submit cookie:
        // a cross-site page can neither read it nor, with SameSite=Strict, make the browser send it.
        let token = Tokens.random()
        var values: [String: Any] = ["csrf": token, "email": email]
        if let error { values["error"] = error }
        var response = Self.html(Pages.render("login", title: "Sign in", values), status: status)
        response.setCookie(cookie(Self.loginCookie, token, path: "/console/login", maxAge: 3600))
        return response
    }

    func login(_ request: Request, peer: String) async throws -> Response {
        let fields = try await Self.formFields(request)
        let email = fields["email"] ?? ""
        guard let cookieToken = request.cookies[Self.loginCookie]?.value,
              Tokens.equal(fields["csrf"] ?? "", cookieToken) else {
            return try await loginPage(request, error: "The sign-in form had expired. Please try again.", email: email, status: .forbidden)
        }
        if let wait = throttle.retryAfter(email: email, peer: peer) {
            logger.notice("console login throttled", metadata: ["peer": "\(peer)"])
            var response = try await loginPage(request, error: "Too many failed sign-ins. Try again in \(Self.minutes(wait)).",
                                         email: email, status: .tooManyRequests)
            response.headers[.retryAfter] = "\(wait)"
            return response
        }
        let found = try await users.credentials(email: email)
        guard await passwords.verify(fields["password"] ?? "", hash: found?.passwordHash), let user = found?.user else {
            throttle.recordFailure(email: email, peer: peer)
            logger.notice("console login failed", metadata: ["peer": "\(peer)"])
            return try await loginPage(request, error: "Wrong email or password.", email: email, status: .unauthorized)
        }
        throttle.recordSuccess(email: email, peer: peer)
        let (token, session) = try await users.startSession(for: user, lifetimeSeconds: settings.sessionLifetimeSeconds)
        audit("signed in", session)
        var response = Response.redirect(to: "/console/orgs/\(user.organization)/profile")
        response.setCookie(cookie(Self.sessionCookie, token, path: "/console", maxAge: Int(settings.sessionLifetimeSeconds)))
        response.setCookie(cookie(Self.loginCookie, "", path: "/console/login", maxAge: 0))
        return response
    }

    func logout(_ request: Request) async throws -> Response {
        if let token = request.cookies[Self.sessionCookie]?.value, let session = try await users.session(token: token) {
            let fields = try await Self.formFields(request)
            guard Tokens.equal(fields["csrf"] ?? "", session.csrfToken) else { return expiredForm(session) }
            try await users.endSession(token: token)
            audit("signed out", session)
        }
        var response = Self.toLogin()
        response.setCookie(cookie(Self.sessionCookie, "", path: "/console", maxAge: 0))
        return response
    }

    // MARK: Pages

    func profile(_ session: ConsoleSession, request: Request) async throws -> Response {
        let all = try await keys.list(organization: session.user.organization)
        let host = request.head.authority ?? "localhost"
        let streamURL = "\(settings.tls ? "wss" : "ws")://\(host)\(settings.streamPath)"
        var active: [[String: Any]] = []
        for (index, key) in all.filter({ $0.revokedAt == nil }).reversed().enumerated() {
            let credentials = try await keys.credentials(id: key.id, organization: session.user.organization)
            // Mustache treats "" as true: an empty label is left out rather than shown as " · ".
            active.append([
                "id": key.id, "label": key.label.isEmpty ? false as Any : key.label, "created": JournalTime.iso8601(microseconds: key.createdAt),
                "showable": credentials?.apiKey != nil, "masked": "tdk_\(key.id)_" + String(repeating: "•", count: 12),
                // One snippet, for the newest key: what a new integration should use.
                "snippet": index == 0 && credentials?.apiKey != nil, "streamURL": streamURL,
            ])
        }
        let revoked: [[String: Any]] = all.filter { $0.revokedAt != nil }.map {
            ["id": $0.id, "label": $0.label.isEmpty ? false as Any : $0.label, "created": JournalTime.iso8601(microseconds: $0.createdAt),
             "revokedAt": JournalTime.iso8601(microseconds: $0.revokedAt ?? 0)]
        }
        let notices = ["issued": "A new key was issued.", "rotated": "The key was replaced; the old one no longer connects.",
                       "revoked": "The key was revoked; clients using it are refused from now on."]
        var values: [String: Any] = [
            "organization": session.user.organization, "email": session.user.email, "csrf": session.csrfToken,
            "active": active, "revoked": revoked, "hasRevoked": !revoked.isEmpty,
        ]
        if let notice = request.uri.queryParameters["done"].flatMap({ notices[String($0)] }) { values["notice"] = notice }
        return Self.html(Pages.render("profile", title: "Profile", values, session: session), status: .ok)
    }

    func notFound(_ session: ConsoleSession?) -> Response {
        let home = session.map { "/console/orgs/\($0.user.organization)/profile" } ?? "/console/login"
        return Self.html(Pages.render("error", title: "Not found", [
            "heading": "Not found", "message": "There is no such page.", "link": home, "linkText": "Back to your profile",
        ], session: session), status: .notFound)
    }

    func expiredForm(_ session: ConsoleSession) -> Response {
        Self.html(Pages.render("error", title: "Form expired", [
            "heading": "This form has expired",
            "message": "Nothing was changed. Reload the page and try again.",
            "link": "/console/orgs/\(session.user.organization)/profile", "linkText": "Back to your profile",
        ], session: session), status: .forbidden)
    }

    // MARK: Helpers

    func audit(_ event: String, _ session: ConsoleSession, key: String? = nil, metadata: Logger.Metadata = [:]) {
        var metadata = metadata
        metadata["org"] = "\(session.user.organization)"
        metadata["user"] = "\(session.user.email)"
        if let key { metadata["key"] = "\(key)" }
        logger.notice("console: \(event)", metadata: metadata)
    }

    func cookie(_ name: String, _ value: String, path: String, maxAge: Int) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: path, secure: settings.tls, httpOnly: true, sameSite: .strict)
    }

    static func toLogin() -> Response { Response.redirect(to: "/console/login") }

    static func backToProfile(_ session: ConsoleSession, notice: String) -> Response {
        Response.redirect(to: "/console/orgs/\(session.user.organization)/profile?done=\(notice)")
    }

    static func minutes(_ seconds: Int) -> String {
        seconds < 60 ? "\(seconds) seconds" : "\((seconds + 59) / 60) minutes"
    }

    static func formFields(_ request: Request) async throws -> [String: String] {
        var request = request
        let buffer = try await request.collectBody(upTo: 16 * 1024)
        return FormFields.parse(String(buffer: buffer))
    }

    /// Headers every console response carries: nothing cached, no framing, scripts only from the
    /// console's own file (so an injected `<script>` would not run even if escaping failed).
    static func secured(_ response: inout Response) {
        response.headers[.cacheControl] = "no-store"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; media-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    }

    static func html(_ text: String, status: HTTPResponse.Status) -> Response {
        var response = Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: text)))
        secured(&response)
        return response
    }

    static func json(_ values: [String: String], status: HTTPResponse.Status) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: values, options: [.sortedKeys])) ?? Data("{}".utf8)
        var response = Response(status: status, headers: [.contentType: "application/json"],
                                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        secured(&response)
        return response
    }

    static func asset(_ text: String, type: String) -> Response {
        var response = Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: text)))
        secured(&response)
        response.headers[.cacheControl] = "no-cache"
        return response
    }
}

/// `application/x-www-form-urlencoded` bodies.
enum FormFields {
    static func parse(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            let name = decode(parts[0])
            if fields[name] == nil { fields[name] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return fields
    }
}
