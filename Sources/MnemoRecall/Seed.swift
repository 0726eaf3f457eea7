/// How a recall gave a node activation of its own, before any spread: what
/// `explain` names as the `seed` a path starts from.
enum Seed {
    /// An episode, fact, scene, persona attribute or insight among the best
    /// BM25 hits of the text.
    case text
    /// An entity the text names.
    case entity
    /// The entity `about` gives.
    case about
    /// The scene `in scene` names.
    case scene
    /// A scene that opened inside the time the text names.
    case time

    /// Its name in `explain`'s paths.
    var name: String {
        switch self {
        case .text: "text"
        case .entity: "entity"
        case .about: "about"
        case .scene: "scene"
        case .time: "time"
        }
    }
}
