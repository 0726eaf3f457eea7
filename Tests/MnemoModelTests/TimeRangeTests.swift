import Testing

@testable import MnemoModel

/// Half-open `[from, to)` intervals with optional (unbounded) ends.
@Suite struct TimeRangeTests {
    static func t(_ day: Int) -> Timestamp { Timestamp(year: 2023, month: 5, day: day) }
    let t = TimeRangeTests.t

    @Test func containsIsHalfOpen() {
        let r = TimeRange(from: t(10), to: t(20))
        #expect(r.contains(t(10)))
        #expect(r.contains(t(15)))
        #expect(r.contains(Timestamp(microseconds: t(20).microseconds - 1)))
        #expect(!r.contains(t(20)))
        #expect(!r.contains(Timestamp(microseconds: t(10).microseconds - 1)))
    }

    @Test func containsWithOpenBounds() {
        let untilMay20 = TimeRange(to: t(20))
        #expect(untilMay20.contains(Timestamp(year: 1900, month: 1, day: 1)))
        #expect(!untilMay20.contains(t(20)))
        let sinceMay10 = TimeRange(from: t(10))
        #expect(sinceMay10.contains(Timestamp(year: 9999, month: 1, day: 1)))
        #expect(sinceMay10.contains(t(10)))
        #expect(!sinceMay10.contains(t(9)))
        #expect(TimeRange.always.contains(Timestamp(microseconds: .min)))
        #expect(TimeRange.always.contains(Timestamp(microseconds: .max)))
    }

    @Test func overlaps() {
        let a = TimeRange(from: t(1), to: t(10))
        #expect(a.overlaps(TimeRange(from: t(5), to: t(15))))
        #expect(a.overlaps(TimeRange(from: t(2), to: t(3)))) // inside
        #expect(TimeRange(from: t(2), to: t(3)).overlaps(a))
        #expect(!a.overlaps(TimeRange(from: t(10), to: t(20)))) // touching: to is excluded
        #expect(!TimeRange(from: t(10), to: t(20)).overlaps(a))
        #expect(!a.overlaps(TimeRange(from: t(11), to: t(20))))
        #expect(a.overlaps(TimeRange(from: t(9), to: t(10))))
        // An empty interval holds no instant, so it overlaps nothing.
        #expect(!a.overlaps(TimeRange(from: t(5), to: t(5))))
        #expect(!TimeRange(from: t(5), to: t(5)).overlaps(.always))
    }

    @Test func overlapsWithOpenBounds() {
        let untilMay10 = TimeRange(to: t(10))
        let sinceMay10 = TimeRange(from: t(10))
        let sinceMay9 = TimeRange(from: t(9))
        #expect(!untilMay10.overlaps(sinceMay10))
        #expect(!sinceMay10.overlaps(untilMay10))
        #expect(untilMay10.overlaps(sinceMay9))
        #expect(sinceMay9.overlaps(untilMay10))
        #expect(untilMay10.overlaps(TimeRange(to: t(1))))
        #expect(sinceMay10.overlaps(TimeRange(from: t(30))))
        #expect(TimeRange.always.overlaps(untilMay10))
        #expect(TimeRange.always.overlaps(TimeRange(from: t(3), to: t(4))))
        #expect(TimeRange.always.overlaps(.always))
    }

    @Test func isEmpty() {
        #expect(TimeRange(from: t(3), to: t(3)).isEmpty)
        #expect(TimeRange(from: t(4), to: t(3)).isEmpty)
        #expect(!TimeRange(from: t(3), to: t(4)).isEmpty)
        #expect(!TimeRange(from: t(3)).isEmpty)
        #expect(!TimeRange(to: t(3)).isEmpty)
        #expect(!TimeRange.always.isEmpty)
    }

    @Test func description() {
        #expect(TimeRange(from: t(8), to: t(9)).description == "[2023-05-08T00:00:00Z, 2023-05-09T00:00:00Z)")
        #expect(TimeRange(from: t(8)).description == "[2023-05-08T00:00:00Z, +∞)")
        #expect(TimeRange.always.description == "[-∞, +∞)")
    }
}
