import Foundation
import MnemoClient

/// A line on standard error saying that a long statement is still running:
/// a spinner, what runs and the time it has taken, redrawn ten times a
/// second once the work has lasted `delay` seconds, and erased (carriage
/// return, erase to end of line) before the answer is printed. Only on a
/// terminal: `forStandardError()` is nil when standard error is not one, so
/// scripts and cron see nothing.
///
/// ```
/// / consolidate running 2.4 s
/// - importing 26.json: 240 of 419 turns (57%) 1.2 s
/// ```
final class ProgressLine {
    /// What the drawing thread and the caller share, under `condition`.
    private final class State: @unchecked Sendable {
        let condition = NSCondition()
        var text: String?
        var started = Date()
        var shown = false
        var stopped = false
        var frame = 0
        let delay: Double

        init(delay: Double) {
            self.delay = delay
        }

        /// Draws the line (under the lock), cut to the terminal's width so
        /// that it never wraps: a wrapped line would not be erased whole.
        func draw() {
            guard let text else { return }
            let frames: [Character] = ["|", "/", "-", "\\"]
            frame = (frame + 1) % frames.count
            let elapsed = String(format: "%.1f s", Date().timeIntervalSince(started))
            let width = (TerminalSize.columns(of: STDERR_FILENO) ?? TerminalSize.defaultColumns) - 1
            var line = "\(frames[frame]) \(text) \(elapsed)"
            if DisplayWidth.of(line) > width { line = TextWrapper.lines(line, width: width)[0] }
            Self.write("\r\u{1B}[K" + line)
            shown = true
        }

        func erase() {
            if shown { Self.write("\r\u{1B}[K") }
            shown = false
        }

        static func write(_ text: String) {
            let bytes = Array(text.utf8)
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { Foundation.write(STDERR_FILENO, $0.baseAddress! + offset, bytes.count - offset) }
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { return }
                offset += written
            }
        }

        func loop() {
            condition.lock()
            defer { condition.unlock() }
            while !stopped {
                // Nothing running: sleep until `begin` or the end (both signal).
                guard text != nil else {
                    condition.wait()
                    continue
                }
                if Date().timeIntervalSince(started) >= delay { draw() }
                _ = condition.wait(until: Date().addingTimeInterval(0.1))
            }
        }
    }

    private let state: State

    private init(delay: Double) {
        state = State(delay: delay)
        let state = self.state
        let thread = Thread { state.loop() }
        thread.name = "mnemo progress"
        thread.start()
    }

    deinit {
        state.condition.lock()
        state.erase()
        state.stopped = true
        state.condition.signal()
        state.condition.unlock()
    }

    /// A progress line on standard error, or nil when it is not a terminal.
    static func forStandardError(delay: Double = 0.5) -> ProgressLine? {
        isatty(STDERR_FILENO) == 1 ? ProgressLine(delay: delay) : nil
    }

    /// What the line says while `statement` runs: its first word (`consolidate running`).
    static func running(_ statement: String) -> String {
        "\(StatementInfo.keyword(of: statement) ?? "statement") running"
    }

    /// Starts timing work described by `text`; the line appears after the delay.
    func begin(_ text: String) {
        locked {
            state.text = text
            state.started = Date()
            state.condition.signal()
        }
    }

    /// Changes what the line says, keeping the time.
    func update(_ text: String) {
        locked { state.text = text }
    }

    /// The work is done: the line is erased and not drawn again until `begin`.
    func end() {
        locked {
            state.erase()
            state.text = nil
        }
    }

    /// Runs `body` (which writes to the terminal) with the line erased; it is
    /// drawn again at the next tick.
    func interrupt(_ body: () -> Void) {
        locked {
            state.erase()
            body()
        }
    }

    private func locked(_ body: () -> Void) {
        state.condition.lock()
        defer { state.condition.unlock() }
        body()
    }
}
