import MnemoModel
import Testing

@testable import MnemoRecall

/// A posting list reads as the array of what was appended, block after
/// block, and a copy of it (what a search takes) stays as it was while the
/// original grows.
@Suite("posting lists in blocks")
struct PostingListTests {
    @Test("every posting in order, by index and block by block, over several blocks; a copy taken midway is unchanged by later appends")
    func blocksAndCopies() {
        let size = PostingList<Int>.blockSize
        let total = 2 * size + 17
        var list = PostingList<Int>()
        var copy = PostingList<Int>()
        for i in 0..<total {
            if i == size + 5 { copy = list }
            list.append(i * 3)
        }
        #expect(list.count == total)
        #expect(Array(list) == (0..<total).map { $0 * 3 })
        #expect(list.sortedContains(size * 3, by: { $0 }))
        #expect(!list.sortedContains(size * 3 + 1, by: { $0 }))
        var blocks: [[Int]] = []
        list.forEachBlock { blocks.append(Array($0)) }
        #expect(blocks.map(\.count) == [size, size, 17])
        #expect(blocks.flatMap { $0 } == Array(list))
        #expect(Array(copy) == (0..<(size + 5)).map { $0 * 3 })
        var copyBlocks: [Int] = []
        copy.forEachBlock { copyBlocks.append($0.count) }
        #expect(copyBlocks == [size, 5])
    }
}
