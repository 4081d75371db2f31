package dev.ballast;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What docs/configuration.md must agree with, read from text: the environment variables the service reads (with the
 * default in force) and the rows of the reference's tables, and the disagreements between them.
 * <ul>
 *   <li>{@code application.properties}: every {@code ${VARIABLE:default}}, nested ones included (profile lines such as
 *   {@code %test.} are not read in production and are left out);</li>
 *   <li>Java sources: every string literal in upper snake case ({@code "JWT_PRIVATE_KEY"}) is a variable the code
 *   reads, and a string literal right after it ({@code getOrDefault("EMBEDDED_PG_DATA_DIR", "data/postgres")}) its
 *   default;</li>
 *   <li>Dockerfiles: a {@code $VARIABLE} in {@code ENTRYPOINT} or {@code CMD}, its default set by {@code ENV}.</li>
 * </ul>
 * A row may also name a property in its environment form ({@code QUARKUS_DATASOURCE_USERNAME}) when
 * {@code application.properties} sets that property or the code names it.
 */
final class ConfigurationReference {

    /** A variable read, with its default (null: none) and where it is read. */
    record Read(String variable, String defaultValue, String where) {
    }

    private static final Pattern UPPER_SNAKE = Pattern.compile("[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z][A-Z0-9]+");
    private static final Pattern JAVA_VARIABLE = Pattern.compile("\"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\"(?:\\s*,\\s*\"([^\"]*)\")?");
    private static final Pattern JAVA_PROPERTY = Pattern.compile("\"(quarkus\\.[a-z0-9.-]+)\"");
    private static final Pattern DOCKER_REFERENCE = Pattern.compile("\\$\\{?([A-Z][A-Z0-9_]*)");
    private static final Pattern DOCKER_ENV = Pattern.compile("^ENV\\s+([A-Z][A-Z0-9_]*)=(\"([^\"]*)\"|\\S*)");
    private static final Pattern ROW_VARIABLE = Pattern.compile("`([A-Z][A-Z0-9_]*)`");
    private static final Pattern LEADING_CODE = Pattern.compile("^`([^`]*)`");

    private final Map<String, Read> read = new LinkedHashMap<>();
    private final Map<String, String> properties = new LinkedHashMap<>();
    private final Set<String> namedProperties = new LinkedHashSet<>();
    private final List<String> problems = new ArrayList<>();

    /** Adds the variables {@code application.properties} reads, and the properties it sets. */
    ConfigurationReference properties(String text) {
        Properties loaded = new Properties();
        try {
            loaded.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String key : loaded.stringPropertyNames()) {
            if (key.startsWith("%")) {
                continue;
            }
            String value = loaded.getProperty(key);
            properties.put(key, value);
            namedProperties.add(key);
            expressions(value, "application.properties: " + key);
        }
        return this;
    }

    /** Adds the variables a Java source reads, and the Quarkus properties it names. */
    ConfigurationReference java(String source, String file) {
        Matcher variable = JAVA_VARIABLE.matcher(source);
        while (variable.find()) {
            add(new Read(variable.group(1), variable.group(2), file));
        }
        Matcher property = JAVA_PROPERTY.matcher(source);
        while (property.find()) {
            namedProperties.add(property.group(1));
        }
        return this;
    }

    /** Adds the variables a Dockerfile's entry point reads, with the defaults its ENV lines set. */
    ConfigurationReference dockerfile(String text, String file) {
        Map<String, String> env = new LinkedHashMap<>();
        List<String> referenced = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher set = DOCKER_ENV.matcher(line.strip());
            if (set.find()) {
                env.put(set.group(1), set.group(3) != null ? set.group(3) : set.group(2));
            }
            if (line.startsWith("ENTRYPOINT") || line.startsWith("CMD")) {
                Matcher reference = DOCKER_REFERENCE.matcher(line);
                while (reference.find()) {
                    referenced.add(reference.group(1));
                }
            }
        }
        referenced.forEach(name -> add(new Read(name, env.get(name), file)));
        return this;
    }

    /** The variables read, in the order first met. */
    Map<String, Read> read() {
        return read;
    }

    /**
     * Everything the reference (markdown) gets wrong against what is read: variables missing or read by nothing,
     * defaults that differ, rows that are not one variable in backticks, a variable listed twice.
     */
    List<String> check(String markdown) {
        List<String> found = new ArrayList<>(problems);
        Map<String, String> rows = rows(markdown, found);
        read.values().stream()
                .filter(variable -> !rows.containsKey(variable.variable()))
                .forEach(variable -> found.add(variable.variable() + " is read (" + variable.where()
                        + ") but not in docs/configuration.md"));
        rows.forEach((variable, defaultCell) -> {
            Read known = read.containsKey(variable) ? read.get(variable) : propertyRead(variable);
            if (known == null) {
                found.add(variable + " is in docs/configuration.md but nothing reads it");
                return;
            }
            Matcher code = LEADING_CODE.matcher(defaultCell);
            String documented = code.find() ? code.group(1) : null;
            String expected = known.defaultValue() == null || known.defaultValue().isEmpty() ? null : known.defaultValue();
            if (expected == null && documented != null) {
                found.add(variable + " has no default (" + known.where() + ") but docs/configuration.md gives `" + documented
                        + "`: say in words what happens without it");
            } else if (expected != null && !expected.equals(documented)) {
                found.add(variable + " defaults to `" + expected + "` (" + known.where() + ") but docs/configuration.md says: "
                        + defaultCell);
            }
        });
        return found;
    }

    /** The names a manifest sets (ConfigMap or Secret keys) that are not variables of the reference. */
    static List<String> undocumented(Iterable<String> keys, String markdown, String manifest) {
        Map<String, String> rows = rows(markdown, new ArrayList<>());
        List<String> found = new ArrayList<>();
        for (String key : keys) {
            if (!rows.containsKey(key)) {
                found.add(manifest + " sets " + key + ", which is not in docs/configuration.md (the service ignores "
                        + "a variable it does not read)");
            }
        }
        return found;
    }

    /** The property a variable in its environment form stands for, as a Read, or null when none is set or named. */
    private Read propertyRead(String variable) {
        for (String property : namedProperties) {
            if (environmentForm(property).equals(variable)) {
                String value = properties.get(property);
                boolean plain = value != null && !value.contains("${");
                return new Read(variable, plain ? value : null, "property " + property);
            }
        }
        return null;
    }

    /** A property's environment variable: upper case, every character other than a letter or digit an underscore. */
    static String environmentForm(String property) {
        return property.toUpperCase().replaceAll("[^A-Z0-9]", "_");
    }

    /** The rows of every table whose first header is "Variable": variable to its Default cell. */
    private static Map<String, String> rows(String markdown, List<String> problems) {
        Map<String, String> rows = new LinkedHashMap<>();
        boolean inTable = false;
        for (String line : markdown.split("\n")) {
            if (!line.startsWith("|")) {
                inTable = false;
                continue;
            }
            List<String> cells = cells(line);
            if (cells.get(0).equals("Variable")) {
                inTable = true;
                continue;
            }
            if (!inTable || cells.get(0).startsWith("---")) {
                continue;
            }
            Matcher variable = ROW_VARIABLE.matcher(cells.get(0));
            if (!variable.matches() || cells.size() < 3) {
                problems.add("docs/configuration.md: a row must be one variable in backticks, its default and its meaning: " + line);
            } else if (rows.putIfAbsent(variable.group(1), cells.get(1)) != null) {
                problems.add("docs/configuration.md lists " + variable.group(1) + " twice");
            }
        }
        return rows;
    }

    private static List<String> cells(String line) {
        String inner = line.strip().replaceAll("^\\|", "").replaceAll("\\|$", "");
        List<String> cells = new ArrayList<>();
        for (String cell : inner.split("(?<!\\\\)\\|", -1)) {
            cells.add(cell.strip());
        }
        return cells;
    }

    /** Every {@code ${NAME:default}} in a value, nested ones too; only upper snake names are variables. */
    private void expressions(String value, String where) {
        int start = value.indexOf("${");
        while (start >= 0) {
            int end = closing(value, start + 2);
            if (end < 0) {
                problems.add(where + ": unbalanced ${ in " + value);
                return;
            }
            String inside = value.substring(start + 2, end);
            int colon = inside.indexOf(':');
            String name = colon < 0 ? inside : inside.substring(0, colon);
            String defaultValue = colon < 0 ? null : inside.substring(colon + 1);
            if (UPPER_SNAKE.matcher(name).matches()) {
                add(new Read(name, defaultValue, where));
            }
            if (defaultValue != null) {
                expressions(defaultValue, where);
            }
            start = value.indexOf("${", end + 1);
        }
    }

    private static int closing(String value, int from) {
        int depth = 1;
        for (int i = from; i < value.length(); i++) {
            if (value.startsWith("${", i)) {
                depth++;
                i++;
            } else if (value.charAt(i) == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /** One variable, one default: a second reading with another default is a problem of its own. */
    private void add(Read variable) {
        Read earlier = read.putIfAbsent(variable.variable(), variable);
        if (earlier != null && variable.defaultValue() != null && earlier.defaultValue() != null
                && !earlier.defaultValue().equals(variable.defaultValue())) {
            problems.add(variable.variable() + " has two defaults: `" + earlier.defaultValue() + "` (" + earlier.where()
                    + ") and `" + variable.defaultValue() + "` (" + variable.where() + ")");
        } else if (earlier != null && earlier.defaultValue() == null && variable.defaultValue() != null) {
            read.put(variable.variable(), new Read(variable.variable(), variable.defaultValue(), earlier.where()));
        }
    }
}
