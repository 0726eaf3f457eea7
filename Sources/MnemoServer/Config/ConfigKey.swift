/// One key of `daemon.conf`, as `DaemonConfig.table` declares it: its name,
/// its default as the file writes it, how its text is read (`ConfigType`),
/// where the value goes, when a changed value takes effect, and one line of
/// documentation. `DaemonConfig.keys`, `apply`, the keys a reload leaves
/// alone (`reloaded(over:)`) and the error messages are derived from it.
public struct ConfigKey: Sendable {
    /// When a changed value takes effect.
    public enum Reload: Sendable, Hashable {
        /// A SIGHUP applies it at once (`consolidate_interval` once the wait
        /// in progress ends).
        case atOnce
        /// A SIGHUP applies it to the connections opened from then on.
        case newConnections
        /// Only a restart applies it: a SIGHUP keeps the running value and logs the key.
        case restart
    }

    /// One `key = value` being applied: the key as written (a `space.<name>.read`
    /// key names its space), its text, and where it was read.
    struct Site: Sendable {
        var key: String
        var value: String
        /// The file, or the flag (`--data-dir`) the value came from.
        var file: String
        var line: Int

        /// `file:line: invalid value for KEY: "TEXT" (expected EXPECTED)`.
        func invalid(_ expected: String) -> ConfigError {
            ConfigError(file: file, line: line, message: "invalid value for \(key): \"\(value)\" (expected \(expected))")
        }
    }

    /// The key as written in `daemon.conf`; `<name>` stands for one
    /// dot-separated part of any text (`space.<name>.read`).
    public let name: String
    /// The value in force when the file does not name the key, written as
    /// `daemon.conf` writes it (`64MB`, `30min`); `nil` when there is none
    /// (`rules_file`, and `space.<name>.read`, which falls back on `read`).
    public let defaultValue: String?
    public let reload: Reload
    /// What the key sets, in one line: the opening of its comment in `daemon.conf`.
    public let doc: String
    /// Reads the value and stores it.
    let apply: @Sendable (inout DaemonConfig, Site) throws(ConfigError) -> Void
    /// Whether two configurations differ in this key's effect (for keys that
    /// go to a key path; `nil` for those with a setter of their own).
    let differs: (@Sendable (DaemonConfig, DaemonConfig) -> Bool)?
    /// Puts `running`'s value of this key back into a reloaded configuration.
    let keep: (@Sendable (inout DaemonConfig, DaemonConfig) -> Void)?

    /// A key whose value goes to `path`. `compared`, when given, is what a
    /// reload compares instead of `path` (`socket` compares `socketPath`, so
    /// that a new `data_dir` counts as a new socket too).
    init<Value: Equatable & Sendable, Effect: Equatable & Sendable>(
        _ name: String, default defaultValue: String?, _ type: ConfigType<Value>,
        into path: WritableKeyPath<DaemonConfig, Value> & Sendable, compared effect: KeyPath<DaemonConfig, Effect> & Sendable,
        reload: Reload, doc: String
    ) {
        self.name = name
        self.defaultValue = defaultValue
        self.reload = reload
        self.doc = doc
        apply = { config, site throws(ConfigError) in config[keyPath: path] = try type.parse(site) }
        differs = { a, b in a[keyPath: effect] != b[keyPath: effect] }
        keep = { config, running in config[keyPath: path] = running[keyPath: path] }
    }

    /// A key whose value goes to `path`.
    init<Value: Equatable & Sendable>(
        _ name: String, default defaultValue: String?, _ type: ConfigType<Value>,
        into path: WritableKeyPath<DaemonConfig, Value> & Sendable, reload: Reload, doc: String
    ) {
        self.init(name, default: defaultValue, type, into: path, compared: path, reload: reload, doc: doc)
    }

    /// A key stored by a setter of its own (`rules_file` sets the path and the
    /// rules read from it). Only a key that a SIGHUP applies: for one that needs
    /// a restart, the reload must put the running value back, through a key path.
    init<Value: Sendable>(
        _ name: String, default defaultValue: String?, _ type: ConfigType<Value>,
        set: @escaping @Sendable (inout DaemonConfig, Value) -> Void, reload: Reload, doc: String
    ) {
        self.name = name
        self.defaultValue = defaultValue
        self.reload = reload
        self.doc = doc
        apply = { config, site throws(ConfigError) in set(&config, try type.parse(site)) }
        differs = nil
        keep = nil
    }

    /// Whether `key`, as written in a file, is this key.
    func matches(_ key: String) -> Bool {
        guard isPattern else { return key == name }
        let parts = key.split(separator: ".", omittingEmptySubsequences: false)
        let pattern = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == pattern.count && zip(parts, pattern).allSatisfy { $1 == "<name>" || $0 == $1 }
    }

    /// Whether the name stands for many keys (`space.<name>.read`).
    var isPattern: Bool { name.contains("<name>") }
}
