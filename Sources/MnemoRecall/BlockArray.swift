/// An array kept in blocks of `blockSize` elements: the posting lists of the
/// text indexes, and the lengths of the other texts' documents.
///
/// A search takes what it reads of an index under the index's lock and scores
/// it after letting the lock go, so that searches of one space run side by
/// side and a long one holds up no other. Taking a block array copies no
/// element: the copy shares the blocks. When the index writes while a search
/// holds the copy, only the block written to is copied (at most `blockSize`
/// elements) and the list of blocks, never the hundreds of thousands of
/// postings of a common word. Appending writes only the last block.
struct BlockArray<Element>: RandomAccessCollection {
    /// Elements in a full block: a power of two.
    static var blockSize: Int { 4096 }

    private var full: [[Element]] = []
    private var last: [Element] = []

    init() {}

    var startIndex: Int { 0 }
    var endIndex: Int { full.count * Self.blockSize + last.count }

    /// An element; written in place, copying only its block if a copy of
    /// the array shares it. (Not a `MutableCollection`: writing through a
    /// slice would copy every block it spans.)
    subscript(position: Int) -> Element {
        get {
            let block = position / Self.blockSize
            return block < full.count ? full[block][position % Self.blockSize] : last[position - full.count * Self.blockSize]
        }
        set {
            let block = position / Self.blockSize
            if block < full.count { full[block][position % Self.blockSize] = newValue } else { last[position - full.count * Self.blockSize] = newValue }
        }
    }

    /// Adds an element after the others.
    mutating func append(_ element: Element) {
        if last.count == Self.blockSize {
            full.append(last)
            last = []
        }
        last.append(element)
    }

    /// Calls `body` with each block in order, as one buffer: the elements
    /// without a bounds check or a division each.
    func forEachBlock(_ body: (UnsafeBufferPointer<Element>) -> Void) {
        for block in full { block.withUnsafeBufferPointer(body) }
        last.withUnsafeBufferPointer(body)
    }
}

extension BlockArray: Sendable where Element: Sendable {}
