package dev.ballast.http;

/** A page of a list: {@code limit} (default 20) items after skipping {@code offset}, both bounded by configuration. */
public record Page(int limit, int offset) {

    public static final int DEFAULT_LIMIT = 20;

    /** Parses the query parameters as given (so that "abc" is a 422, not a 404); null means the default. */
    public static Page of(String limit, String offset, int maxLimit, int maxOffset) {
        Integer parsedLimit = parse(limit);
        Integer parsedOffset = parse(offset);
        new Validation()
                .check(limit == null || parsedLimit != null, "limit must be a whole number")
                .check(offset == null || parsedOffset != null, "offset must be a whole number")
                .check(parsedLimit == null || (parsedLimit >= 1 && parsedLimit <= maxLimit),
                        "limit must be between 1 and " + maxLimit)
                .check(parsedOffset == null || (parsedOffset >= 0 && parsedOffset <= maxOffset),
                        "offset must be between 0 and " + maxOffset)
                .orFail();
        return new Page(parsedLimit == null ? Math.min(DEFAULT_LIMIT, maxLimit) : parsedLimit,
                parsedOffset == null ? 0 : parsedOffset);
    }

    private static Integer parse(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
