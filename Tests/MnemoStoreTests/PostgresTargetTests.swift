import Foundation
import MnemoModel
import MnemoTestSupport
import Testing

@testable import MnemoStore

/// `postgresql_url` and its password file, read as libpq reads them, with
/// the password never in the URL.
@Suite("PostgreSQL: where the server is, from a URL and a password file")
struct PostgresTargetTests {
    func refused(_ url: String, _ fragment: String) {
        do throws(MnemoError) {
            _ = try PostgresTarget(url: url)
            Issue.record("\(url) was taken")
        } catch {
            #expect(error.code == .invalid && error.message.contains(fragment), "\(url): \(error.message)")
        }
    }

    @Test("TCP and Unix-socket URLs; the port defaults to 5432; percent-encoded names")
    func urls() throws {
        let tcp = try PostgresTarget(url: "postgresql://mnemo@db.example:6432/memory")
        #expect(tcp.endpoint == .tcp(host: "db.example", port: 6432) && tcp.user == "mnemo" && tcp.database == "memory")
        #expect(try PostgresTarget(url: "postgres://a@h/d").endpoint == .tcp(host: "h", port: 5432))
        let socket = try PostgresTarget(url: "postgresql://mnemo@/memory?host=/run/postgresql")
        #expect(socket.endpoint == .socket(path: "/run/postgresql/.s.PGSQL.5432"))
        #expect(try PostgresTarget(url: "postgresql://u@/d?host=%2Ftmp%2Fpg&port=5433").endpoint == .socket(path: "/tmp/pg/.s.PGSQL.5433"))
        #expect(try PostgresTarget(url: "postgresql://team%20a@h/my%20db").user == "team a")
        #expect(tcp.password == nil)
    }

    @Test("a password in the URL, a bad port, no user, no database, an unknown parameter: refused, saying which")
    func badURLs() {
        refused("postgresql://mnemo:secret@h/d", "password")
        refused("mysql://u@h/d", "not a postgresql:// URL")
        refused("postgresql://u@h:99999/d", "port")
        refused("postgresql://u@h:abc/d", "port")
        refused("postgresql://h/d", "no user")
        refused("postgresql://u@h/", "no database")
        refused("postgresql://u@h", "no database")
        refused("postgresql://u@/d", "no host")
        refused("postgresql://u@h/d?sslmode=require", "unknown parameter \"sslmode\"")
    }

    @Test("the password comes from the first line of a file only its owner may read")
    func passwordFile() throws {
        let directory = NSTemporaryDirectory() + "mnemo-pgpass-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/password"
        try "s3cret\nignored\n".write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o600)
        #expect(try PostgresTarget(url: "postgresql://u@h/d", passwordFile: file).password == "s3cret")
        chmod(file, 0o640)
        do throws(MnemoError) {
            _ = try PostgresTarget(url: "postgresql://u@h/d", passwordFile: file)
            Issue.record("a password file others may read was taken")
        } catch {
            #expect(error.code == .invalid && error.message.contains("chmod 600"))
        }
        do throws(MnemoError) {
            _ = try PostgresTarget(url: "postgresql://u@h/d", passwordFile: directory + "/none")
            Issue.record("a missing password file was taken")
        } catch {
            #expect(error.code == .notFound)
        }
    }

    @Test("a URL of the test cluster's socket reaches it", .enabled(if: PostgresTestServer.available))
    func reachesServer() throws {
        let socket = try #require(PostgresTestServer.socket)
        let directory = (socket as NSString).deletingLastPathComponent
        let port = socket.split(separator: ".").last.map(String.init) ?? "5432"
        let link = try PostgresLink(try PostgresTarget(url: "postgresql://mnemo@/mnemo?host=\(directory)&port=\(port)"))
        defer { link.close() }
        #expect(try link.query("SELECT 1").first?.decode(Int32.self) == 1)
    }
}
