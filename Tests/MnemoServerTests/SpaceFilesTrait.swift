import MnemoTestSupport
import Testing

extension Trait where Self == ConditionTrait {
    /// For a test of the SQLite files of `storage = sqlite` (it opens,
    /// damages, fills or measures `spaces/<name>.sqlite` itself): not run when
    /// the end-to-end suites run again with every daemon on PostgreSQL
    /// (`MNEMO_TEST_STORAGE=postgresql`), where spaces are replicas elsewhere.
    static var opensSpaceFiles: Self {
        .enabled(if: !PostgresTestServer.sharesEveryDaemon, "opens the SQLite files of storage = sqlite")
    }
}
