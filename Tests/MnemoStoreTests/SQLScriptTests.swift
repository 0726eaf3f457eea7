import Testing

@testable import MnemoStore

/// Cutting a migration script into statements for PostgreSQL (`SQLScript`).
@Suite("SQL scripts cut into statements")
struct SQLScriptTests {
    @Test("semicolons end statements, but not inside strings, quoted names, dollar quotes or comments")
    func cuts() {
        let script = """
            -- a comment; with a semicolon
            CREATE TABLE a (x text DEFAULT 'semi;colon', "odd;name" int);
            /* block; comment */ INSERT INTO a VALUES ('it''s; fine');
            CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;
            DO $$ BEGIN PERFORM 1; END $$;
            ;  ;
            SELECT $1::int
            """
        let statements = SQLScript.statements(script)
        #expect(statements.count == 5)
        #expect(statements[0].hasSuffix(#"CREATE TABLE a (x text DEFAULT 'semi;colon', "odd;name" int)"#))
        #expect(statements[1].hasSuffix("INSERT INTO a VALUES ('it''s; fine')"))
        #expect(statements[2] == "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql")
        #expect(statements[3] == "DO $$ BEGIN PERFORM 1; END $$")
        #expect(statements[4] == "SELECT $1::int")
    }

    @Test("E'' strings with backslash escapes, nested block comments, and a dollar inside an identifier")
    func edges() {
        let statements = SQLScript.statements(
            #"SELECT E'it\'s; x'; /* a /* b */ ; c */ SELECT 2; SELECT a1$x$; SELECT 'E\'; SELECT 3"#)
        #expect(statements.count == 5, "\(statements)")
        #expect(statements.first == #"SELECT E'it\'s; x'"#)
        #expect(statements.dropFirst().first?.hasSuffix("SELECT 2") == true)
        #expect(statements.dropFirst(2).first == "SELECT a1$x$")
        // Not an E string: the backslash is a character like any other.
        #expect(statements.dropFirst(3).first == #"SELECT 'E\'"#)
    }

    @Test("nothing but comments and white space is no statement")
    func empty() {
        #expect(SQLScript.statements("").isEmpty)
        #expect(SQLScript.statements("  -- only a comment;\n /* and ; this */ ;\n").isEmpty)
    }
}
