#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Console
import Foundation
import Server

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Manage operator-console users (passwords are stored as bcrypt hashes).",
        subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a console user of an organization.",
            discussion: """
            The password is asked for twice without echo; or read from standard input with
            --password-stdin (one line, for scripts); or, with --generate-password, made up and
            printed once.
            """)
        @Option(help: "Organization (must already have a key: `tapedeck keys create --org NAME`).") var org: String
        @Option(help: "Email address the user signs in with.") var email: String
        @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false
        @Flag(help: "Generate a password and print it once.") var generatePassword = false
        @Option(help: "Data directory holding tapedeck.sqlite and console.sqlite.") var data = "data"
        @OptionGroup var controlPlane: ControlPlaneOptions

        func validate() throws {
            if passwordStdin && generatePassword { throw ValidationError("choose one of --password-stdin and --generate-password") }
        }

        func run() async throws {
            let opened = try await controlPlane.open(data: data)
            defer { Task { await opened.close() } }
            guard try await opened.keys.organizations().contains(org) else { throw ConsoleError.unknownOrganization(org) }
            let users = try await opened.users()
            let password: String
            if generatePassword {
                password = Passwords.generate()
            } else if passwordStdin {
                password = readLine(strippingNewline: true) ?? ""
            } else {
                guard isatty(STDIN_FILENO) == 1 else {
                    throw ValidationError("standard input is not a terminal: use --password-stdin or --generate-password")
                }
                password = try Self.prompt("Password: ")
                try Passwords.check(password)
                guard try Self.prompt("Again: ") == password else { throw ValidationError("the passwords differ") }
            }
            let user = try await users.createUser(organization: org, email: email, passwordHash: try Passwords.hash(password))
            print("created console user \(user.email) of \(user.organization)")
            if generatePassword {
                print("password: \(password)   (shown once; it is stored only as a bcrypt hash)")
            }
        }

        /// Reads a line from the terminal with echo off, restoring the terminal whatever happens.
        static func prompt(_ text: String) throws -> String {
            FileHandle.standardError.write(Data(text.utf8))
            var saved = termios()
            tcgetattr(STDIN_FILENO, &saved)
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
            defer {
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
                FileHandle.standardError.write(Data("\n".utf8))
            }
            guard let line = readLine(strippingNewline: true) else { throw ValidationError("no password given") }
            return line
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List console users (never passwords).")
        @Option(help: "Only this organization's users.") var org: String?
        @Option(help: "Data directory holding console.sqlite.") var data = "data"
        @OptionGroup var controlPlane: ControlPlaneOptions
        func run() async throws {
            let opened = try await controlPlane.open(data: data)
            defer { Task { await opened.close() } }
            let users = try await opened.users().users(organization: org)
            if users.isEmpty { print("no users"); return }
            for user in users { print("\(user.organization)\t\(user.email)") }
        }
    }
}
