/// An optional clause of a statement and the argument it comes from: the
/// keyword, the argument's name, and how the argument is read
/// (`ToolArguments`). A clause whose argument is absent is left out; a flag
/// is its keyword alone, when true.
enum StatementClause {
    /// A name, quoted: `by "caroline"`.
    case name(_ keyword: String, _ argument: String)
    /// A string, quoted: `ref "D1:3"`.
    case quoted(_ keyword: String, _ argument: String)
    /// A time token: `at 2023-05-08T13:56`.
    case time(_ keyword: String, _ argument: String)
    /// An interval: `during 2023-05 .. 2023-08`.
    case interval(_ keyword: String, _ argument: String)
    /// A number from 0 to 1: `importance 0.6`.
    case fraction(_ keyword: String, _ argument: String)
    /// A whole number in a range: `limit 5`.
    case wholeNumber(_ keyword: String, _ argument: String, ClosedRange<Int>)
    /// Distinct words from a list: `kinds episode, fact`.
    case choices(_ keyword: String, _ argument: String, [String])
    /// A piece of the language as written, one line: `where ?x > 2020`.
    case language(_ keyword: String, _ argument: String)
    /// The keyword alone when the argument is true: `include archived`.
    case flag(_ keyword: String, _ argument: String)
}

extension ToolArguments {
    /// The clauses whose arguments were given, in the order listed.
    func clauses(_ list: [StatementClause]) throws(ToolArgumentError) -> [String] {
        var words: [String] = []
        for item in list {
            let keyword: String
            let value: String?
            switch item {
            case .name(let word, let argument): (keyword, value) = (word, try name(argument))
            case .quoted(let word, let argument): (keyword, value) = (word, try quoted(argument))
            case .time(let word, let argument): (keyword, value) = (word, try time(argument))
            case .interval(let word, let argument): (keyword, value) = (word, try interval(argument))
            case .fraction(let word, let argument): (keyword, value) = (word, try fraction(argument))
            case .wholeNumber(let word, let argument, let range): (keyword, value) = (word, try wholeNumber(argument, in: range).map(String.init))
            case .choices(let word, let argument, let allowed): (keyword, value) = (word, try choices(argument, from: allowed))
            case .language(let word, let argument): (keyword, value) = (word, try clause(argument))
            case .flag(let word, let argument):
                if try flag(argument) { words.append(word) }
                continue
            }
            if let value { words.append(keyword + " " + value) }
        }
        return words
    }
}
