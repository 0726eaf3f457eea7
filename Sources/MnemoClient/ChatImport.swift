import Foundation

/// A conversation log turned into `remember` statements, for `mnemo
/// import-chat` and the evaluation program.
///
/// Two formats are read (docs/import-chat.md):
/// - Mnemo's own: `{"sessions": [{"scene": "…", "at": "ISO time",
///   "turns": [{"speaker": "…", "text": "…", "ref": "…", "at": "…", "importance": 0.5}]}]}`;
/// - LoCoMo's, as published: `speaker_a`, `session_N_date_time`
///   ("1:56 pm on 8 May, 2023"), `session_N` lists of turns with `speaker`,
///   `dia_id` and `text` (and `blip_caption` for a shared photo).
public struct ChatImport: Sendable {
    public struct Turn: Sendable, Hashable {
        public var speaker: String
        public var text: String
        public var at: String
        public var scene: String
        public var ref: String?
        public var importance: Double?

        /// The `remember` statement for this turn.
        public var statement: String {
            var s = "remember \(StatementInfo.quoted(text)) by \(StatementInfo.quoted(speaker)) at \(at) in scene \(StatementInfo.quoted(scene))"
            if let ref { s += " ref \(StatementInfo.quoted(ref))" }
            if let importance { s += " importance \(importance)" }
            return s
        }
    }

    public struct FormatError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public var turns: [Turn]
    /// Which format the file was in: "mnemo" or "locomo".
    public var format: String
    public var sessions: Int

    public static func load(path: String) throws -> ChatImport {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FormatError(description: "cannot read \(path)")
        }
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: data) } catch {
            throw FormatError(description: "\(path) is not valid JSON: \(error.localizedDescription)")
        }
        guard let object = json as? [String: Any] else { throw FormatError(description: "\(path): expected a JSON object") }
        if object["sessions"] != nil { return try mnemo(object, path: path) }
        if object["session_1"] != nil || object["conversation"] != nil { return try locomo(object, path: path) }
        throw FormatError(description: "\(path): neither Mnemo's format (\"sessions\") nor LoCoMo's (\"session_1\")")
    }

    static func mnemo(_ object: [String: Any], path: String) throws -> ChatImport {
        guard let sessions = object["sessions"] as? [[String: Any]] else { throw FormatError(description: "\(path): \"sessions\" must be a list") }
        var turns: [Turn] = []
        for (s, session) in sessions.enumerated() {
            let scene = session["scene"] as? String ?? "session \(s + 1)"
            guard let list = session["turns"] as? [[String: Any]] else {
                throw FormatError(description: "\(path): session \(s + 1) has no \"turns\" list")
            }
            let sessionAt = session["at"] as? String
            for (t, turn) in list.enumerated() {
                guard let speaker = turn["speaker"] as? String, let text = turn["text"] as? String, !text.isEmpty else {
                    throw FormatError(description: "\(path): session \(s + 1) turn \(t + 1) needs \"speaker\" and \"text\"")
                }
                guard let at = (turn["at"] as? String) ?? sessionAt.flatMap({ shifted($0, seconds: t) }) else {
                    throw FormatError(description: "\(path): session \(s + 1) turn \(t + 1) needs an \"at\" time (or the session one)")
                }
                guard isTime(at) else { throw FormatError(description: "\(path): session \(s + 1) turn \(t + 1): invalid time \(at)") }
                turns.append(
                    Turn(
                        speaker: speaker, text: text, at: at, scene: scene, ref: turn["ref"] as? String,
                        importance: turn["importance"] as? Double))
            }
        }
        return ChatImport(turns: turns, format: "mnemo", sessions: sessions.count)
    }

    static func locomo(_ root: [String: Any], path: String) throws -> ChatImport {
        let object = root["conversation"] as? [String: Any] ?? root
        var turns: [Turn] = []
        var n = 1
        while let list = object["session_\(n)"] as? [[String: Any]] {
            guard let when = object["session_\(n)_date_time"] as? String, let start = locomoTime(when) else {
                throw FormatError(description: "\(path): session_\(n)_date_time is missing or not like \"1:56 pm on 8 May, 2023\"")
            }
            for (t, turn) in list.enumerated() {
                guard let speaker = turn["speaker"] as? String, var text = turn["text"] as? String else { continue }
                if let caption = turn["blip_caption"] as? String, !caption.isEmpty {
                    text += " [shares a photo: \(caption)]"
                }
                guard !text.isEmpty else { continue }
                turns.append(
                    Turn(
                        speaker: speaker, text: text, at: shifted(start, seconds: t)!, scene: "session \(n)",
                        ref: turn["dia_id"] as? String, importance: nil))
            }
            n += 1
        }
        guard n > 1 else { throw FormatError(description: "\(path): no session_1 in the LoCoMo file") }
        return ChatImport(turns: turns, format: "locomo", sessions: n - 1)
    }

    /// "1:56 pm on 8 May, 2023" → "2023-05-08T13:56:00Z".
    public static func locomoTime(_ text: String) -> String? {
        let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
        let parts = text.lowercased().replacingOccurrences(of: ",", with: " ").split(separator: " ").map(String.init)
        guard parts.count >= 6, parts[2] == "on", let day = Int(parts[3]), let month = months.firstIndex(of: parts[4]).map({ $0 + 1 }),
            let year = Int(parts[5])
        else { return nil }
        let clock = parts[0].split(separator: ":")
        guard clock.count == 2, var hour = Int(clock[0]), let minute = Int(clock[1]), hour <= 12, minute < 60 else { return nil }
        if parts[1] == "pm" && hour < 12 { hour += 12 }
        if parts[1] == "am" && hour == 12 { hour = 0 }
        return String(format: "%04d-%02d-%02dT%02d:%02d:00Z", year, month, day, hour, minute)
    }

    /// An ISO time (`YYYY-MM-DDTHH:MM[:SS][Z]`, UTC) plus some seconds, so the
    /// turns of one session keep their order in time. Times in other forms are
    /// passed on unchanged when `seconds` is 0.
    static func shifted(_ iso: String, seconds: Int) -> String? {
        let digits = iso.unicodeScalars.filter { $0.properties.numericType != nil }.map { Int($0.value) - 48 }
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + digits[$1] } }
        guard digits.count >= 12, iso.count <= 20 else { return seconds == 0 ? iso : nil }
        var time = tm()
        time.tm_year = Int32(number(0..<4) - 1900)
        time.tm_mon = Int32(number(4..<6) - 1)
        time.tm_mday = Int32(number(6..<8))
        time.tm_hour = Int32(number(8..<10))
        time.tm_min = Int32(number(10..<12))
        time.tm_sec = Int32(digits.count >= 14 ? number(12..<14) : 0)
        var epoch = timegm(&time) + seconds
        var out = tm()
        gmtime_r(&epoch, &out)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(out.tm_year) + 1900, Int(out.tm_mon) + 1,
            Int(out.tm_mday), Int(out.tm_hour), Int(out.tm_min), Int(out.tm_sec))
    }

    static func isTime(_ text: String) -> Bool {
        text.first?.isNumber == true && text.count >= 10
    }
}
