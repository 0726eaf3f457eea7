import MnemoModel
import Testing

@testable import MnemoRecall

/// A block array reads as the array of what was appended and written, block
/// after block, and a copy of it (what a search takes) stays as it was while
/// the original changes.
@Suite("arrays in blocks")
struct BlockArrayTests {
    @Test("every element in order, by index and block by block, over several blocks; a copy taken midway or at a full block is unchanged by later appends")
    func blocksAndCopies() {
        let size = BlockArray<Int>.blockSize
        let total = 2 * size + 17
        var list = BlockArray<Int>()
        var copy = BlockArray<Int>()
        var full = BlockArray<Int>()
        for i in 0..<total {
            if i == size { full = list }
            if i == size + 5 { copy = list }
            list.append(i * 3)
        }
        #expect(Array(full) == (0..<size).map { $0 * 3 })
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

    @Test("an element written in a full block or the last one reads back; a copy taken before keeps the old value")
    func writes() {
        let size = BlockArray<Int>.blockSize
        var array = BlockArray<Int>()
        for i in 0..<(size + 10) { array.append(i) }
        let copy = array
        array[3] = -3
        array[size + 2] = -2
        #expect(array[3] == -3 && array[size + 2] == -2 && array[4] == 4)
        #expect(copy[3] == 3 && copy[size + 2] == size + 2)
        #expect(Array(array) == (0..<(size + 10)).map { $0 == 3 ? -3 : $0 == size + 2 ? -2 : $0 })
    }
}
