import Prometheus

/// The Prometheus metrics of one statement's requests, labelled
/// `statement="<keyword>"`: how long each took (a histogram), how many there
/// were and how many answered `ERR`. `Statistics` makes one per statement, at
/// its first request, and records every request of it here too.
struct RequestMetrics: Sendable {
    let duration: DurationHistogram
    let requests: Counter
    let errors: Counter

    static var durationName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "mnemo", metricName: "request_duration", unitName: "seconds",
            helpText: "Time from starting a request to its answer, by statement.")
    }
    static var requestsName: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "mnemo", metricName: "requests", unitName: "total", helpText: "Requests answered, by statement.")
    }
    static var errorsName: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "mnemo", metricName: "request_errors", unitName: "total", helpText: "Requests answered ERR, by statement.")
    }

    /// The histogram's upper bounds: from 50 µs (a ping, an in-memory recall)
    /// to a minute (a consolidation run, a backup); slower ones count in +Inf.
    static let buckets: [Duration] = [
        .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500),
        .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
    ]

    init(statement: String, registry: PrometheusCollectorRegistry) {
        let labels = [("statement", statement)]
        duration = registry.makeDurationHistogram(descriptor: Self.durationName, labels: labels, buckets: Self.buckets)
        requests = registry.makeCounter(descriptor: Self.requestsName, labels: labels)
        errors = registry.makeCounter(descriptor: Self.errorsName, labels: labels)
    }

    func record(seconds: Double, failed: Bool) {
        duration.record(.seconds(max(0, seconds)))
        requests.increment()
        if failed { errors.increment() }
    }
}
