import Mustache

/// The console's HTML. `{{…}}` is HTML-escaped by Mustache; the only unescaped slot is the
/// layout's `{{{body}}}`, which is itself the output of one of these escaped templates.
enum Pages {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in [("layout", layout), ("login", login), ("profile", profile), ("error", error),
                             ("live", live), ("call", call), ("history", history), ("history-call", historyCall)] {
            // The templates are constants of this file: a parse failure is a programming error.
            try! library.register(text, named: name)
        }
        return library
    }()

    static func render(_ name: String, title: String, _ values: [String: Any], session: ConsoleSession? = nil) -> String {
        let body = library.render(values, withTemplate: name) ?? ""
        var page: [String: Any] = ["title": title, "body": body]
        if let session {
            page["user"] = ["email": session.user.email, "organization": session.user.organization, "csrf": session.csrfToken]
        }
        return library.render(page, withTemplate: "layout") ?? ""
    }

    static let layout = """
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    {{#user}}<meta name="csrf-token" content="{{csrf}}">{{/user}}
    <title>{{title}} · Tapedeck console</title>
    <link rel="stylesheet" href="/console/assets/console.css">
    </head>
    <body{{#user}} data-org="{{organization}}"{{/user}}>
    <header>
    <span class="brand">Tapedeck</span>
    {{#user}}<nav>
    <a href="/console/orgs/{{organization}}/live" id="nav-live">Live calls</a>
    <a href="/console/orgs/{{organization}}/history" id="nav-history">History</a>
    <a href="/console/orgs/{{organization}}/profile">Profile</a>
    <span class="who">{{email}} · {{organization}}</span>
    <form method="post" action="/console/logout" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="logout">Log out</button></form>
    </nav>{{/user}}
    </header>
    <main>
    {{{body}}}
    </main>
    <script src="/console/assets/console.js"></script>
    </body>
    </html>

    """

    static let login = """
    <h1>Sign in</h1>
    {{#error}}<p class="error" role="alert" id="login-error">{{error}}</p>{{/error}}
    <form method="post" action="/console/login" class="login">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label>Email <input type="email" name="email" id="email" value="{{email}}" required autocomplete="username"></label>
    <label>Password <input type="password" name="password" id="password" required autocomplete="current-password"></label>
    <button type="submit" id="login">Sign in</button>
    </form>
    """

    static let profile = """
    <h1>Profile</h1>
    <dl class="facts">
    <dt>Organization</dt><dd id="organization">{{organization}}</dd>
    <dt>Signed in as</dt><dd>{{email}}</dd>
    </dl>
    {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
    <h2>Live stream API keys</h2>
    {{#active}}
    <section class="key" id="key-{{id}}">
    <h3>Key <code>{{id}}</code>{{#label}} · {{label}}{{/label}} <span class="state">active</span></h3>
    <p class="meta">created {{created}}</p>
    {{#showable}}
    <div class="secret"><span class="name">API key</span>
    <code class="value" id="api-key-{{id}}" data-secret-of="{{id}}" data-kind="apiKey" data-masked="{{masked}}">{{masked}}</code>
    <button type="button" class="reveal" data-reveal="{{id}}" aria-pressed="false">Reveal</button>
    <button type="button" class="copy" data-copy-of="{{id}}" data-copy="api-key-{{id}}">Copy</button>
    </div>
    {{/showable}}
    {{^showable}}
    <p class="warning">This key was issued before the console kept keys encrypted, so it cannot be shown here (only its hash was stored). It still works; rotate it to get a key this page can show.</p>
    {{/showable}}
    <div class="secret"><span class="name">AudioHook client secret</span>
    <code class="value" id="client-secret-{{id}}" data-secret-of="{{id}}" data-kind="clientSecret" data-masked="••••••••••••">••••••••••••</code>
    <button type="button" class="reveal" data-reveal="{{id}}" aria-pressed="false">Reveal</button>
    <button type="button" class="copy" data-copy-of="{{id}}" data-copy="client-secret-{{id}}">Copy</button>
    </div>
    <div class="actions">
    <form method="post" action="/console/orgs/{{organization}}/keys/{{id}}/rotate" class="inline" data-confirm="Replace key {{id}}? Clients using it are refused from now on.">
    <input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="rotate" id="rotate-{{id}}">Rotate</button></form>
    <form method="post" action="/console/orgs/{{organization}}/keys/{{id}}/revoke" class="inline" data-confirm="Revoke key {{id}}? Clients using it are refused from now on.">
    <input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="revoke danger" id="revoke-{{id}}">Revoke</button></form>
    </div>
    {{#snippet}}
    <h4>Integration</h4>
    <p>Seed protocol: connect to this URL, then send the <code>open</code> message and 16 kHz mono PCM16 audio frames.
    AudioHook: the same URL without the query, with the key in <code>X-API-KEY</code> and requests signed with the client secret.</p>
    <pre class="snippet" id="snippet-{{id}}">{{streamURL}}?x-api-key=<span data-secret-of="{{id}}" data-kind="apiKey" data-masked="{{masked}}">{{masked}}</span>

    {"type":"open","id":"call-0001","seq":1,"parameters":{"media":[{"type":"audio","codec":"audio/pcm"}],"language":"en"}}</pre>
    <button type="button" class="copy" data-copy-of="{{id}}" data-copy="snippet-{{id}}">Copy snippet</button>
    {{/snippet}}
    </section>
    {{/active}}
    {{^active}}<p class="warning">This organization has no active key: clients cannot connect until one is issued.</p>{{/active}}
    <form method="post" action="/console/orgs/{{organization}}/keys" class="inline">
    <input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="issue">Issue a new key</button></form>
    {{#hasRevoked}}
    <h2>Revoked keys</h2>
    <ul class="revoked">{{#revoked}}<li><code>{{id}}</code>{{#label}} · {{label}}{{/label}}: created {{created}}, revoked {{revokedAt}}</li>{{/revoked}}</ul>
    {{/hasRevoked}}
    <p id="status" role="status" aria-live="polite"></p>
    """

    static let error = """
    <h1>{{heading}}</h1>
    <p class="error" id="error-message">{{message}}</p>
    <p><a href="{{link}}">{{linkText}}</a></p>
    """
}
