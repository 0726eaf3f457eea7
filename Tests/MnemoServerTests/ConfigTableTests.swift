import Foundation
import Testing

@testable import MnemoServer

/// `DaemonConfig.table` is whole: what is derived from it (`keys`, `apply`,
/// the keys a reload leaves alone, the defaults) agrees with it.
@Suite("the table of daemon.conf keys")
struct ConfigTableTests {
    @Test("each key is declared once and found by its name")
    func namesAreUnique() throws {
        let names = DaemonConfig.table.map(\.name)
        #expect(Set(names).count == names.count, "a key is declared twice")
        #expect(DaemonConfig.keys == names)
        for key in DaemonConfig.table where !key.isPattern {
            #expect(DaemonConfig.keysByName[key.name]?.name == key.name)
        }
        for key in DaemonConfig.table where key.isPattern {
            #expect(key.matches(key.name.replacing("<name>", with: "agent-7")))
        }
        #expect(DaemonConfig.table.allSatisfy { !$0.doc.isEmpty && !$0.doc.contains("\n") }, "one line of documentation each")
    }

    @Test("every default in the table is the value DaemonConfig() has")
    func defaultsAreTheInitialValues() throws {
        let initial = DaemonConfig()
        for key in DaemonConfig.table {
            guard let defaultValue = key.defaultValue else { continue }
            var config = DaemonConfig()
            try config.apply(key: key.name, value: defaultValue, file: "table", line: 1)
            let differs = try #require(key.differs, "\(key.name) has a default but nothing to compare it with")
            #expect(!differs(config, initial), "\(key.name): the table's default \(defaultValue) is not DaemonConfig()'s value")
        }
    }

    @Test("a key that needs a restart goes to a key path, for a reload to keep its running value")
    func restartKeysCanBeKept() {
        for key in DaemonConfig.table where key.reload == .restart {
            #expect(key.differs != nil && key.keep != nil, "\(key.name)")
        }
    }

    @Test("a reload keeps the running value of each key that needs a restart, names it, and applies the rest")
    func reloadKeepsRestartKeys() throws {
        func config(_ lines: [(String, String)]) throws -> DaemonConfig {
            var config = DaemonConfig()
            for (key, value) in lines { try config.apply(key: key, value: value, file: "test.conf", line: 1) }
            return config
        }
        let running = try config([("data_dir", "/srv/a"), ("worker_threads", "2")])
        let new = try config([("data_dir", "/srv/b"), ("worker_threads", "2"), ("page_size", "16KB"), ("max_clients", "3")])
        let (applied, ignored) = new.reloaded(over: running)
        // The socket follows data_dir: it would move too, so it is named.
        #expect(ignored == ["data_dir", "socket", "page_size"])
        #expect(applied.dataDirectory == "/srv/a" && applied.socketPath == running.socketPath)
        #expect(applied.pageSize == running.pageSize)
        #expect(applied.maxClients == 3)
        // An explicit socket that stays where it was is not named.
        let moved = try config([("data_dir", "/srv/b"), ("socket", running.socketPath), ("worker_threads", "2")])
        #expect(moved.reloaded(over: running).ignored == ["data_dir"])
    }
}
