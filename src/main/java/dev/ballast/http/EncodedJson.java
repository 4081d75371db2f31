package dev.ballast.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The start of a shared view's JSON, encoded on first use and then copied as bytes into every answer that
 * shows the view: the answer writes after it only what is its viewer's own (their flags). Serializing list
 * pages field by field, reflectively, took most of their CPU; a view is shared by every reader for as long as
 * it is cached, so its text is too. It lives as long as the view it belongs to and never changes after.
 */
public final class EncodedJson {

    /** What an unfinished object is left as: no closing brackets added when the generator is closed. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_CONTENT).build();

    /** Writes the shared start of a view's JSON with the generator it is given. */
    @FunctionalInterface
    public interface Start {
        void write(JsonGenerator json) throws IOException;
    }

    private volatile SerializableString text;

    /** The text {@code start} writes, written at the first call (two racing first calls both write it, alike). */
    public SerializableString text(Start start) {
        SerializableString known = text;
        if (known == null) {
            known = encode(start);
            text = known;
        }
        return known;
    }

    private static SerializableString encode(Start start) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            start.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return new SerializedString(out.toString());
    }

    /** A constant piece of JSON, copied as it is. */
    public static SerializableString raw(String text) {
        return new SerializedString(text);
    }
}
