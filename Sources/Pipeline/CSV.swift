/// RFC 4180 CSV: comma-separated, CRLF line ends, fields quoted when they hold a comma, a
/// semicolon (the list separator of Turkish and most European spreadsheet locales), a quote, CR
/// or LF (quotes doubled). Spreadsheet formula injection is neutralised, since transcripts are
/// caller speech: a field whose first visible character is `=`, `+`, `-` or `@` (after any
/// whitespace or zero-width characters, which spreadsheets skip), or that starts with tab or CR,
/// gets a leading apostrophe.
public enum CSV {
    public static func escape(_ field: String) -> String {
        var value = field
        if startsLikeAFormula(value) { value = "'" + value }
        let needsQuotes = value.contains(where: { $0 == "," || $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
        guard needsQuotes else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Characters a spreadsheet skips before deciding a cell is a formula: whitespace (including
    /// no-break spaces) and the invisible format characters.
    static func isSkippedBySpreadsheets(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.isWhitespace { return true }
        switch scalar.value {
        case 0x00AD, 0x180E, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0xFEFF: return true
        default: return false
        }
    }

    static func startsLikeAFormula(_ value: String) -> Bool {
        guard let first = value.unicodeScalars.first else { return false }
        if first == "\t" || first == "\r" { return true }
        guard let visible = value.unicodeScalars.first(where: { !isSkippedBySpreadsheets($0) }) else { return false }
        // Full-width forms (U+FF1D =, U+FF0B +, U+FF0D -, U+FF20 @) are folded to ASCII by some spreadsheets.
        return "=+-@\u{FF1D}\u{FF0B}\u{FF0D}\u{FF20}".unicodeScalars.contains(visible)
    }

    public static func line(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: ",") + "\r\n"
    }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case unterminatedQuote(line: Int)
        case stray(character: Character, line: Int)

        public var description: String {
            switch self {
            case let .unterminatedQuote(line): return "CSV: a quoted field starting on line \(line) never ends"
            case let .stray(c, line): return "CSV: unexpected \"\(c)\" after a closing quote on line \(line)"
            }
        }
    }

    /// Parses RFC 4180 text (CRLF or LF line ends) into rows of fields.
    public static func parse(_ text: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var inQuotes = false
        var afterQuote = false
        var line = 1
        var quoteLine = 1
        var iterator = text.makeIterator()
        var pending: Character?
        func next() -> Character? {
            if let p = pending { pending = nil; return p }
            return iterator.next()
        }
        var sawAnything = false
        while let c = next() {
            sawAnything = true
            if inQuotes {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { field.append("\"") } else { inQuotes = false; afterQuote = true; pending = n }
                    } else { inQuotes = false; afterQuote = true }
                } else {
                    if c == "\n" || c == "\r\n" { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case ",":
                row.append(field); field = ""; afterQuote = false
            case "\r\n", "\n":
                row.append(field); field = ""; afterQuote = false
                rows.append(row); row = []
                line += 1
            case "\"" where field.isEmpty && !afterQuote:
                inQuotes = true
                quoteLine = line
            default:
                if afterQuote { throw ParseError.stray(character: c, line: line) }
                field.append(c)
            }
        }
        if inQuotes { throw ParseError.unterminatedQuote(line: quoteLine) }
        if sawAnything && (!field.isEmpty || !row.isEmpty || afterQuote) {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}
