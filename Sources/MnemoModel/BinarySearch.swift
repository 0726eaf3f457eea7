/// Binary searches over sorted collections (postings lists, ranges of code
/// points, scenes in time order).
extension RandomAccessCollection where Index == Int {
    /// The first index whose element is not `before`, in a collection where
    /// every element that is comes first (sorted by what `before` tests): a
    /// binary search.
    @inlinable public func partitionPoint(_ before: (Element) -> Bool) -> Int {
        var (low, high) = (startIndex, endIndex)
        while low < high {
            let mid = low + (high - low) / 2
            if before(self[mid]) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Whether the collection, sorted by `key`, holds an element whose key is
    /// `value`: a binary search, for postings lists kept in document order.
    public func sortedContains<Key: Comparable>(_ value: Key, by key: (Element) -> Key) -> Bool {
        sortedIndex(of: value, by: key) != nil
    }

    /// The index of the element whose key is `value`, in a collection sorted
    /// by `key`, if there is one: a binary search.
    public func sortedIndex<Key: Comparable>(of value: Key, by key: (Element) -> Key) -> Int? {
        let at = partitionPoint { key($0) < value }
        return at < endIndex && key(self[at]) == value ? at : nil
    }
}
