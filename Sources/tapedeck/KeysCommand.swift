import ArgumentParser
import Foundation
import Journal
import Server

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage organizations' API keys (checked by hash; secrets sealed under the master key).",
        subcommands: [Create.self, List.self, Revoke.self, Rotate.self])

    struct DataOptions: ParsableArguments {
        @Option(help: "Data directory holding tapedeck.sqlite and master.key.") var data = "data"
        @OptionGroup var controlPlane: ControlPlaneOptions

        /// Runs `body` with the key store, closing the control plane after.
        func withStore<T>(_ body: (KeyStore) async throws -> T) async throws -> T {
            let opened = try await controlPlane.open(data: data)
            do {
                let result = try await body(opened.keys)
                await opened.close()
                return result
            } catch {
                await opened.close()
                throw error
            }
        }
    }

    static func show(_ issued: IssuedKey) {
        print("""
        organization:  \(issued.info.organization)
        key id:        \(issued.info.id)
        api key:       \(issued.apiKey)
        client secret: \(issued.clientSecret)   (AudioHook request signatures)

        Store both now: the CLI does not show them again (a console user of the organization
        can reveal them on its Profile page; see docs/console.md).
        """)
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API key for an organization (created if new).")
        @Option(help: "Organization name (letters, digits, '-', '_', '.').") var org: String
        @Option(help: "A note to recognise the key by.") var label = ""
        @OptionGroup var options: DataOptions
        func run() async throws { KeysCommand.show(try await options.withStore { try await $0.create(organization: org, label: label) }) }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (ids and state, never secrets).")
        @Option(help: "Only this organization's keys.") var org: String?
        @OptionGroup var options: DataOptions
        func run() async throws {
            let keys = try await options.withStore { try await $0.list(organization: org) }
            if keys.isEmpty { print("no keys"); return }
            print("ID          ORGANIZATION          CREATED (UTC)                STATE     LABEL")
            for key in keys {
                let state = key.revokedAt == nil ? "active" : "revoked"
                let org = key.organization.padding(toLength: 20, withPad: " ", startingAt: 0)
                print("\(key.id)  \(org)  \(JournalTime.iso8601(microseconds: key.createdAt))  \(state.padding(toLength: 8, withPad: " ", startingAt: 0))  \(key.label)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key: new connections with it get 401.")
        @Argument(help: "Key id (from `keys list`).") var id: String
        @OptionGroup var options: DataOptions
        func run() async throws {
            try await options.withStore { try await $0.revoke(id: id) }
            print("revoked \(id)")
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a replacement key for the same organization and revoke the old one.")
        @Argument(help: "Key id to replace.") var id: String
        @OptionGroup var options: DataOptions
        func run() async throws {
            let issued = try await options.withStore { try await $0.rotate(id: id) }
            print("revoked \(id); its replacement:")
            KeysCommand.show(issued)
        }
    }
}
