/// A term's postings in document order, kept in blocks of `blockSize`, of
/// which only the last is ever written again.
///
/// A search takes the lists it reads under its index's lock and scores them
/// after letting the lock go, so that searches of one space run side by side
/// and a long one holds up no other. Taking a list copies no posting (it
/// shares the blocks), and an episode indexed while a search holds the list
/// copies only what the search shares and the index goes on writing: the list
/// of blocks and the last one, at most `blockSize` postings, never the
/// hundreds of thousands of a common word.
struct PostingList<Element>: RandomAccessCollection {
    /// Postings in a full block: a power of two.
    static var blockSize: Int { 4096 }

    private var full: [[Element]] = []
    private var last: [Element] = []

    init() {}

    var startIndex: Int { 0 }
    var endIndex: Int { full.count * Self.blockSize + last.count }

    subscript(position: Int) -> Element {
        let block = position / Self.blockSize
        return block < full.count ? full[block][position % Self.blockSize] : last[position - full.count * Self.blockSize]
    }

    /// Adds a posting after the others (a document after those it holds).
    mutating func append(_ posting: Element) {
        if last.count == Self.blockSize {
            full.append(last)
            last = []
        }
        last.append(posting)
    }

    /// Calls `body` with each block in order, as one buffer: the postings
    /// without a bounds check or a division per posting.
    func forEachBlock(_ body: (UnsafeBufferPointer<Element>) -> Void) {
        for block in full { block.withUnsafeBufferPointer(body) }
        last.withUnsafeBufferPointer(body)
    }
}
