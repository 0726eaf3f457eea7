import Foundation

/// JSON text built by hand where a whole encoder is not worth it.
enum JSONText {
    /// Sorted-key JSON of a dictionary of plain values.
    static func object(_ fields: [String: Any]) -> String {
        (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]))
            .flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }
}
