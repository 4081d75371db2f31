package dev.ballast.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one folding of emails: what the application computes is what the unique index and the lookups compute. */
@QuarkusTest
class EmailsTest {

    private static final List<String> SPELLINGS = List.of("Jake@Example.COM", " jake@example.com ", "K\u0130M@x.io",
            "ki\u0307m@x.io", "kI\u0307m@x.io", "k\u0131m@x.io", "STRASSE@x.io", "stra\u00dfe@x.io", "Stra\u1e9ee@x.io",
            "\u00c5ngstr\u00f6m@x.io", "A\u030angstro\u0308m@x.io", "\u212bngstr\u00f6m@x.io", "\u0391\u0392\u0393@x.io",
            "\uff2a\uff41\uff4b\uff45@x.io");

    @Inject
    AgroalDataSource dataSource;

    @Test
    void theKeyIsWhatTheDatabaseFoldsTheStoredEmailTo() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement fold = connection.prepareStatement("select lower(? collate \"C\"), normalize(?, NFC)")) {
            for (String spelling : SPELLINGS) {
                fold.setString(1, Emails.stored(spelling));
                fold.setString(2, spelling.trim());
                try (ResultSet row = fold.executeQuery()) {
                    row.next();
                    assertEquals(Emails.key(spelling), row.getString(1), spelling);
                    assertEquals(Emails.stored(spelling), row.getString(2), "NFC alike: " + spelling);
                }
            }
        }
    }

    @Test
    void oneEmailInAnyCaseOfItsAsciiLettersOrAnyCompositionOfItsAccents() {
        assertEquals("jake@example.com", Emails.key("Jake@Example.COM"));
        assertEquals("jake@example.com", Emails.key(" jake@example.com "));
        assertEquals(Emails.key("K\u0130M@x.io"), Emails.key("kI\u0307m@x.io"), "İ precomposed or as I and a dot");
        assertEquals(Emails.key("\u00c5ngstr\u00f6m@x.io"), Emails.key("A\u030angstro\u0308m@x.io"));
        assertEquals(Emails.key("\u00c5ngstr\u00f6m@x.io"), Emails.key("\u212bngstr\u00f6m@x.io"), "the Ångström sign is Å in NFC");
    }

    @Test
    void lettersBeyondAsciiKeepTheirCase() {
        assertNotEquals(Emails.key("k\u0130m@x.io"), Emails.key("kim@x.io"));
        assertNotEquals(Emails.key("k\u0130m@x.io"), Emails.key("ki\u0307m@x.io"));
        assertNotEquals(Emails.key("k\u0131m@x.io"), Emails.key("kim@x.io"));
        assertNotEquals(Emails.key("stra\u00dfe@x.io"), Emails.key("strasse@x.io"));
        assertNotEquals(Emails.key("\u0391@x.io"), Emails.key("\u03b1@x.io"));
    }
}
