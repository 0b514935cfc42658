import Foundation

/// A value crossing into or out of the control plane's SQL, the same for SQLite and PostgreSQL:
/// the stores bind and read only these four kinds, so their SQL runs on either engine.
public enum SQLValue: Sendable, Equatable, Hashable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(nilLiteral: ()) { self = .null }
}

extension SQLValue {
    public init(_ value: String?) { self = value.map(SQLValue.text) ?? .null }
    public init(_ value: Int64?) { self = value.map(SQLValue.integer) ?? .null }
    public init(_ value: Int?) { self = value.map { .integer(Int64($0)) } ?? .null }
    public init(_ value: [UInt8]?) { self = value.map(SQLValue.blob) ?? .null }
}

/// One result row: values by column name (lower-case, as both engines report unquoted names).
public struct SQLRow: Sendable, Equatable {
    public var values: [String: SQLValue]

    public init(_ values: [String: SQLValue]) { self.values = values }

    public subscript(_ column: String) -> SQLValue { values[column] ?? .null }

    public func text(_ column: String) throws -> String {
        guard case .text(let value) = self[column] else { throw ControlPlaneError.unexpectedValue(column: column, expected: "text", found: self[column]) }
        return value
    }

    public func optionalText(_ column: String) throws -> String? {
        if case .null = self[column] { return nil }
        return try text(column)
    }

    public func integer(_ column: String) throws -> Int64 {
        guard case .integer(let value) = self[column] else { throw ControlPlaneError.unexpectedValue(column: column, expected: "integer", found: self[column]) }
        return value
    }

    public func optionalInteger(_ column: String) throws -> Int64? {
        if case .null = self[column] { return nil }
        return try integer(column)
    }

    public func blob(_ column: String) throws -> [UInt8] {
        guard case .blob(let value) = self[column] else { throw ControlPlaneError.unexpectedValue(column: column, expected: "blob", found: self[column]) }
        return value
    }

    public func optionalBlob(_ column: String) throws -> [UInt8]? {
        if case .null = self[column] { return nil }
        return try blob(column)
    }
}
