import Foundation
import MnemoClient
import MnemoServer
import MnemoTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `metrics_listen`: a real mnemod serves `GET /metrics` in the Prometheus
/// text format, scraped over real HTTP after statements sent on its socket;
/// the figures are those of the statements sent, and without the key nothing
/// listens.
@Suite("the metrics endpoint (metrics_listen)")
struct MetricsTests {
    /// A TCP socket bound to a port of 127.0.0.1 the kernel picked (port 0),
    /// listening if `listening`; the descriptor (the caller closes it) and the port.
    static func boundSocket(listening: Bool) throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && (!listening || listen(fd, 1) == 0) && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw HarnessError("cannot bind a port: \(String(cString: strerror(errno)))")
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A TCP port on 127.0.0.1 that nothing listens on now.
    static func freePort() throws -> Int {
        let (fd, port) = try boundSocket(listening: false)
        close(fd)
        return port
    }

    /// A mnemod serving metrics on a free port; another port when the one
    /// picked was taken meanwhile by someone else.
    static func daemonWithMetrics() throws -> (daemon: MnemodProcess, port: Int) {
        for _ in 0..<5 {
            let port = try freePort()
            let daemon = try MnemodProcess(config: "metrics_listen = 127.0.0.1:\(port)\n", wait: false)
            do {
                try daemon.waitUntilServing()
                return (daemon, port)
            } catch  where daemon.log.contains("metrics_listen: cannot listen") {
                continue
            }
        }
        throw HarnessError("no free port for the metrics endpoint in 5 tries")
    }

    /// The samples of an exposition, by `name{labels}` as written; every line
    /// checked to be a `# HELP`, a `# TYPE` or a sample of a family typed before it.
    static func parse(_ exposition: String) throws -> [String: Double] {
        let help = try Regex(#"^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+$"#)
        let type = try Regex(#"^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$"#)
        let sample = try Regex(
            #"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*\})? (\S+)$"#)
        var typed: [String: String] = [:]
        var samples: [String: Double] = [:]
        for line in exposition.split(separator: "\n").map(String.init) {
            if (try? help.wholeMatch(in: line)) != nil { continue }
            if let match = try type.wholeMatch(in: line) {
                typed[String(match.output[1].substring!)] = String(match.output[2].substring!)
                continue
            }
            let match = try #require(try sample.wholeMatch(in: line), "not a sample line: \(line)")
            let name = String(match.output[1].substring!)
            let family = typed[name] != nil ? name : name.replacing(/_(bucket|sum|count)$/, with: "")
            #expect(typed[family] != nil, "\(name) has no TYPE line before it")
            let value = try #require(Double(String(match.output[3].substring!)), "bad value in \(line)")
            samples[name + String(match.output[2].substring ?? "")] = value
        }
        return samples
    }

    /// GET /metrics with Foundation's URLSession, as any HTTP client would.
    static func scrape(_ port: Int) async throws -> (samples: [String: Double], contentType: String?) {
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/metrics"))
        let (data, response) = try await URLSession.shared.data(from: url)
        let http = try #require(response as? HTTPURLResponse)
        #expect(http.statusCode == 200)
        return (try parse(String(decoding: data, as: UTF8.self)), http.value(forHTTPHeaderField: "Content-Type"))
    }

    /// Whether the sample `key` reads `value` within two seconds of scrapes.
    static func eventually(_ port: Int, _ key: String, _ value: Double) async throws -> Bool {
        for _ in 0..<40 {
            if try await scrape(port).samples[key] == value { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    @Test("the counters and histograms are those of the statements sent; spaces, connections and consolidation are there")
    func scrapeAfterStatements() async throws {
        let (daemon, port) = try Self.daemonWithMetrics()
        let client = try daemon.connect()
        for text in ["Ann moved to Lisbon in May", "Bob adopted a cat", "Ann started a pottery class"] {
            #expect(try client.request("remember \"\(text)\" by ann").code == nil)
        }
        for _ in 0..<2 { #expect(try client.request("recall \"Ann\"").code == nil) }
        #expect(try client.request("use space \"Not A Name!\"").code == "INVALID")
        #expect(try client.request("consolidate").code == nil)

        let (samples, contentType) = try await Self.scrape(port)
        #expect(contentType?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(samples[#"mnemo_requests_total{statement="remember"}"#] == 3)
        #expect(samples[#"mnemo_request_duration_seconds_count{statement="remember"}"#] == 3)
        #expect(samples[#"mnemo_request_duration_seconds_bucket{statement="remember",le="+Inf"}"#] == 3)
        #expect((samples[#"mnemo_request_duration_seconds_sum{statement="remember"}"#] ?? 0) > 0)
        #expect(samples[#"mnemo_requests_total{statement="recall"}"#] == 2)
        #expect(samples[#"mnemo_request_errors_total{statement="remember"}"#] == 0)
        #expect(samples[#"mnemo_request_errors_total{statement="use"}"#] == 1)
        // Buckets are cumulative: never fewer requests under a larger bound.
        let bounds = samples.keys.filter { $0.hasPrefix(#"mnemo_request_duration_seconds_bucket{statement="remember""#) }
            .compactMap { key in key.firstMatch(of: /le="([0-9.e+-]+)"/).flatMap { Double($0.1) }.map { ($0, samples[key]!) } }
            .sorted { $0.0 < $1.0 }
        #expect(bounds.count == 19)
        #expect(zip(bounds, bounds.dropFirst()).allSatisfy { $0.1 <= $1.1 })

        // This client's connection (the daemon may not yet have seen the start-up pings close).
        #expect(try await Self.eventually(port, "mnemo_connections_open", 1))
        #expect((samples["mnemo_connections_total"] ?? 0) >= 1)
        #expect(samples["mnemo_connections_rejected_total"] == 0)
        #expect(samples[#"mnemo_space_records{space="default",kind="episodes"}"#] == 3)
        #expect((samples[#"mnemo_space_records{space="default",kind="entities"}"#] ?? 0) >= 2)
        #expect((samples[#"mnemo_space_file_bytes{space="default"}"#] ?? 0) > 0)
        #expect(samples[#"mnemo_consolidation_runs{space="default"}"#] == 1)
        #expect(samples[#"mnemo_consolidation_running{space="default"}"#] == 0)
        #expect((samples[#"mnemo_consolidation_last_duration_seconds{space="default"}"#] ?? -1) >= 0)
        let started = try #require(samples[#"mnemo_consolidation_last_start_time_seconds{space="default"}"#])
        #expect(abs(started - Date().timeIntervalSince1970) < 600)

        // A second space has its own series; the counters go on counting.
        #expect(try client.request("use space \"second\"").code == nil)
        #expect(try client.request("remember \"Cy plays chess\" by cy").code == nil)
        let later = try await Self.scrape(port).samples
        #expect(later[#"mnemo_space_records{space="second",kind="episodes"}"#] == 1)
        #expect(later[#"mnemo_space_records{space="default",kind="episodes"}"#] == 3)
        #expect(later[#"mnemo_requests_total{statement="remember"}"#] == 4)
        client.close()
        #expect(try await Self.eventually(port, "mnemo_connections_open", 0))
    }

    @Test("only GET /metrics answers 200: another path 404, another method 405")
    func pathsAndMethods() throws {
        let (daemon, port) = try Self.daemonWithMetrics()
        _ = daemon
        let ok = try HTTPExchange.send("GET", "/metrics?fresh=1", port: port)
        #expect(ok.status == 200)
        #expect(ok.body.contains("# TYPE mnemo_connections_open gauge"))
        #expect(try HTTPExchange.send("GET", "/", port: port).status == 404)
        #expect(try HTTPExchange.send("GET", "/metricsx", port: port).status == 404)
        let post = try HTTPExchange.send("POST", "/metrics", port: port)
        #expect(post.status == 405)
        #expect(post.headers["allow"] == "GET")
        #expect(try HTTPExchange.send("DELETE", "/metrics", port: port).status == 405)
        // The daemon still serves its socket.
        #expect(try daemon.connect().request("ping").isPong)
    }

    @Test("at most 16 connections at once: one more is closed as it comes, and scrapes go on once the others leave")
    func connectionLimit() throws {
        let (daemon, port) = try Self.daemonWithMetrics()
        _ = daemon
        let held = try (0..<16).map { _ in try HTTPExchange.connection(port: port) }
        // Each of the 16 is accepted: a scrape on one answers.
        let probe = held[0]
        let request = Array("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        #expect(write(probe, request, request.count) == request.count)
        var buffer = [UInt8](repeating: 0, count: 64)
        #expect(read(probe, &buffer, buffer.count) > 0)
        // The 17th is closed without an answer.
        let extra = try HTTPExchange.connection(port: port, timeout: 10)
        #expect(read(extra, &buffer, buffer.count) == 0)
        close(extra)
        for fd in held { close(fd) }
        let deadline = Date().addingTimeInterval(10)
        var status = 0
        while status != 200 && Date() < deadline {
            status = (try? HTTPExchange.send("GET", "/metrics", port: port, timeout: 5).status) ?? 0
            if status != 200 { usleep(50_000) }
        }
        #expect(status == 200)
    }

    /// The TCP sockets in LISTEN state that process `pid` holds (its
    /// descriptors matched with the kernel's tables of TCP sockets).
    static func listeningSockets(of pid: Int32) -> Int {
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
        let inodes = Set(
            descriptors.compactMap { fd in
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"))?
                    .firstMatch(of: /^socket:\[(\d+)\]$/).map { String($0.1) }
            })
        var listening = 0
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            let text = (try? String(contentsOfFile: table, encoding: .utf8)) ?? ""
            for row in text.split(separator: "\n").dropFirst() {
                let fields = row.split(separator: " ")
                if fields.count > 9, fields[3] == "0A", inodes.contains(String(fields[9])) { listening += 1 }
            }
        }
        return listening
    }

    @Test("without metrics_listen nothing listens on TCP; with it, one socket does")
    func offByDefault() throws {
        let plain = try MnemodProcess()
        #expect(try plain.connect().request("ping").isPong)
        #expect(Self.listeningSockets(of: plain.pid) == 0)
        #expect(!plain.log.contains("serving metrics"))
        let (daemon, port) = try Self.daemonWithMetrics()
        #expect(Self.listeningSockets(of: daemon.pid) == 1)
        #expect(daemon.log.contains("serving metrics on http://127.0.0.1:\(port)/metrics"))
    }

    @Test("an address that cannot be bound stops start-up with file:line, exit 78, and no socket left")
    func bindFailure() throws {
        // Hold a port: listen on it here.
        let (holder, port) = try Self.boundSocket(listening: true)
        defer { close(holder) }
        let daemon = try MnemodProcess(config: "# metrics\nmetrics_listen = 127.0.0.1:\(port)\n", wait: false)
        #expect(daemon.waitForExit() == 78)
        #expect(
            daemon.log.contains("daemon.conf:2: metrics_listen: cannot listen on 127.0.0.1:\(port): Address already in use"),
            "\(daemon.log)")
        #expect(!FileManager.default.fileExists(atPath: daemon.socketPath))
    }

    @Test(
        "a value that is not HOST:PORT is refused with file:line",
        arguments: [
            "9187", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:99999999999999999999",
            "example.com:9187", "::1:9187", "[::1]", "[::1]9187", "[127.0.0.1]:9187", "256.1.1.1:9187", "127.0.0.1:９１８７",
            " :9187",
        ])
    func invalidValues(_ value: String) throws {
        var config = DaemonConfig()
        let error = try #require(throws: ConfigError.self) {
            try config.apply(key: "metrics_listen", value: value, file: "test.conf", line: 4)
        }
        #expect(error.description.hasPrefix("test.conf:4: invalid value for metrics_listen: \"\(value)\" (expected HOST:PORT"))
    }

    @Test("IPv4, bracketed IPv6 and localhost are accepted; empty is off")
    func validValues() throws {
        func apply(_ value: String) throws -> String? {
            var config = DaemonConfig()
            try config.apply(key: "metrics_listen", value: value, file: "test.conf", line: 1)
            return config.metricsAddress
        }
        #expect(try apply("127.0.0.1:9187") == "127.0.0.1:9187")
        #expect(try apply("0.0.0.0:1") == "0.0.0.0:1")
        #expect(try apply("[::1]:65535") == "[::1]:65535")
        #expect(try apply("[::]:9187") == "[::]:9187")
        #expect(try apply("localhost:9187") == "127.0.0.1:9187")
        #expect(try apply("") == nil)
        #expect(DaemonConfig().metricsListen == nil)
    }
}
