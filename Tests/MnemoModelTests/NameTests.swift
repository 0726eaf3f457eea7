import Testing

@testable import MnemoModel

/// Name normalisation (comparison form) and display form.
@Suite struct NameTests {
    @Test func normalize() {
        #expect(Name.normalize("  Alice \t Smith ") == "alice smith")
        #expect(Name.normalize("Alice  Smith") == Name.normalize("alice smith"))
        #expect(Name.normalize("alice\nsmith") == "alice smith")
        #expect(Name.normalize("Ünïcode\u{00A0}NAME") == "ünïcode name") // no-break space is white space
        #expect(Name.normalize("bob") == "bob")
        #expect(Name.normalize("") == "")
        #expect(Name.normalize(" \t\n ") == "")
    }

    @Test func normalizeIsIdempotent() {
        for name in ["  Alice \t Smith ", "ÉMILE   Zola", "x"] {
            #expect(Name.normalize(Name.normalize(name)) == Name.normalize(name))
        }
    }

    @Test func display() {
        #expect(Name.display("  Alice \t Smith ") == "Alice Smith")
        #expect(Name.display("Alice Smith") == "Alice Smith")
        #expect(Name.display("ÉMILE\n\nZola") == "ÉMILE Zola")
        #expect(Name.display("") == "")
        #expect(Name.display("   ") == "")
    }

    /// Text that is already in the form asked for comes back as it is (a fast
    /// path); anything else, such as one extra space, takes the full path.
    @Test func alreadyFoldedText() {
        for name in ["alice smith", "a b c", "entity 42", "x"] {
            #expect(Name.normalize(name) == name)
            #expect(Name.display(name) == name)
        }
        #expect(Name.normalize("alice  smith") == "alice smith")
        #expect(Name.normalize("alice smith ") == "alice smith")
        #expect(Name.normalize(" alice") == "alice")
        #expect(Name.normalize("alice\tsmith") == "alice smith")
        #expect(Name.normalize("Alice smith") == "alice smith")
        #expect(Name.display("Alice  Smith") == "Alice Smith")
        #expect(Name.display("Alice Smith ") == "Alice Smith")
        #expect(Name.display("Alice\rSmith") == "Alice Smith")
        #expect(Name.display("Alice Smith") == "Alice Smith")
    }

    @Test func substringInput() {
        let text = "[ Bob  Marley ]"
        #expect(Name.normalize(text.dropFirst().dropLast()) == "bob marley")
        #expect(Name.display(text.dropFirst().dropLast()) == "Bob Marley")
    }
}
