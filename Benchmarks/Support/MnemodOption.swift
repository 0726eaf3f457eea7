import ArgumentParser
import MnemoTestSupport

/// `--mnemod PATH`: the daemon a benchmark starts, by default the one built
/// beside it, so that another build can be measured side by side in one run.
public struct MnemodOption: ParsableArguments {
    @Option(help: "The mnemod to measure (default: the one beside this program).")
    public var mnemod: String?

    public init() {}

    public var binary: String { mnemod ?? MnemodBinary.besideThisProgram }
}
