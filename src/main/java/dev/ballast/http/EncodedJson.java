package dev.ballast.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The start of a shared view's JSON, encoded once and then copied as bytes into every answer that shows the
 * view: the answer writes after it only what is its viewer's own (their flags). Serializing list pages field by
 * field, reflectively, took most of their CPU; a view is shared by every reader for as long as it is cached, so
 * its text is too. Held once, as UTF-8 bytes (the form answers are written in), never also as a string; written
 * as it is by a generator's raw writes. Writers of characters (not the HTTP answers, which are bytes) get it
 * decoded each time.
 */
public final class EncodedJson implements SerializableString {

    /** What an unfinished object is left as: no closing brackets added when the generator is closed. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_CONTENT).build();

    /** Writes the shared start of a view's JSON with the generator it is given. */
    @FunctionalInterface
    public interface Start {
        void write(JsonGenerator json) throws IOException;
    }

    private final byte[] bytes;

    private EncodedJson(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The text {@code start} writes, encoded now. */
    public static EncodedJson of(Start start) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            start.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return new EncodedJson(out.toByteArray());
    }

    /** The bytes held: this object and its array. */
    public long heapBytes() {
        return 16 + 16 + bytes.length;
    }

    /** A constant piece of JSON, copied as it is. */
    public static SerializableString raw(String text) {
        return new SerializedString(text);
    }

    @Override
    public String getValue() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public int charLength() {
        return getValue().length();
    }

    @Override
    public byte[] asUnquotedUTF8() {
        return bytes;
    }

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int offset) {
        if (offset + bytes.length > buffer.length) {
            return -1;
        }
        System.arraycopy(bytes, 0, buffer, offset, bytes.length);
        return bytes.length;
    }

    @Override
    public int appendUnquoted(char[] buffer, int offset) {
        String value = getValue();
        if (offset + value.length() > buffer.length) {
            return -1;
        }
        value.getChars(0, value.length(), buffer, offset);
        return value.length();
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws IOException {
        out.write(bytes);
        return bytes.length;
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer buffer) {
        if (bytes.length > buffer.remaining()) {
            return -1;
        }
        buffer.put(bytes);
        return bytes.length;
    }

    // Raw JSON is never written as a quoted string (a field name or a string value).

    @Override
    public char[] asQuotedChars() {
        throw new UnsupportedOperationException("raw JSON is not quoted");
    }

    @Override
    public byte[] asQuotedUTF8() {
        throw new UnsupportedOperationException("raw JSON is not quoted");
    }

    @Override
    public int appendQuotedUTF8(byte[] buffer, int offset) {
        throw new UnsupportedOperationException("raw JSON is not quoted");
    }

    @Override
    public int appendQuoted(char[] buffer, int offset) {
        throw new UnsupportedOperationException("raw JSON is not quoted");
    }

    @Override
    public int writeQuotedUTF8(OutputStream out) {
        throw new UnsupportedOperationException("raw JSON is not quoted");
    }

    @Override
    public int putQuotedUTF8(ByteBuffer buffer) {
        throw new UnsupportedOperationException("raw JSON is not quoted");
    }
}
