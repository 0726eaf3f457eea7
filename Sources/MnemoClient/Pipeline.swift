extension MnemoConnection {
    /// Sends many statements with a sliding window: the next batch goes out
    /// before the answers to the one before are read, so the daemon always
    /// has work queued while this side reads. `answer` gets each statement's
    /// index and response, in order. Deadlock-free as long as two batches fit
    /// the socket buffers of both sides (the default of 250 statements of a
    /// few hundred bytes does).
    public func pipeline(
        _ statements: [String], batch: Int = 250,
        answer: (Int, Response) throws -> Void
    ) throws {
        let size = max(1, batch)
        var sent = 0
        var read = 0
        func sendNext() throws {
            guard sent < statements.count else { return }
            let end = min(statements.count, sent + size)
            try sendMany(statements[sent..<end])
            sent = end
        }
        try sendNext()
        while read < statements.count {
            let until = sent
            try sendNext()
            while read < until {
                try answer(read, try readResponse())
                read += 1
            }
        }
    }
}
