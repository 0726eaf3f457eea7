import MnemoIngest

/// How `remember` turns text into memory, from daemon.conf: the user's
/// extraction rules and the scene segmentation thresholds.
public struct IngestSettings: Sendable {
    public var rules: ExtractionRules
    public var segmenter: SceneSegmenter

    public init(rules: ExtractionRules = ExtractionRules(), segmenter: SceneSegmenter = SceneSegmenter()) {
        self.rules = rules
        self.segmenter = segmenter
    }
}
