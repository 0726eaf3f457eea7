import Foundation

/// The resident memory of a running process, in bytes (`VmRSS` of
/// /proc/PID/status); nil where there is no such file.
public func residentBytes(_ pid: Int32) -> Int? { procStatusKiB(pid, "VmRSS:").map { $0 * 1024 } }

/// The largest resident memory of a running process so far, in bytes
/// (`VmHWM` of /proc/PID/status); nil where there is no such file.
public func peakResidentBytes(_ pid: Int32) -> Int? { procStatusKiB(pid, "VmHWM:").map { $0 * 1024 } }

/// A field of /proc/PID/status given in kB.
private func procStatusKiB(_ pid: Int32, _ field: String) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) })
    else { return nil }
    return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
}
