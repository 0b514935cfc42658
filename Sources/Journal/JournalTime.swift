/// Formats journal receive times (microseconds since the epoch) as ISO 8601 UTC
/// without calendars or locales, so the text is identical on every machine.
public enum JournalTime {
    public static func iso8601(microseconds: Int64) -> String {
        let day = JournalLayout.day(microseconds: microseconds)
        let perDay: Int64 = 86_400_000_000
        var within = microseconds % perDay
        if within < 0 { within += perDay }
        let seconds = within / 1_000_000
        let micros = within % 1_000_000
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(day)T\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2)).\(pad(micros, 6))Z"
    }
}
