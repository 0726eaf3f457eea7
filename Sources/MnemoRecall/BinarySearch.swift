extension RandomAccessCollection where Index == Int {
    /// Whether the collection, sorted by `key`, holds an element whose key is
    /// `value`: a binary search, for postings lists kept in document order.
    func sortedContains<Key: Comparable>(_ value: Key, by key: (Element) -> Key) -> Bool {
        var (low, high) = (startIndex, endIndex)
        while low < high {
            let mid = low + (high - low) / 2
            if key(self[mid]) < value { low = mid + 1 } else { high = mid }
        }
        return low < endIndex && key(self[low]) == value
    }
}
