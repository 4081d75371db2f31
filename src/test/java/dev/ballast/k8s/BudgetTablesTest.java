package dev.ballast.k8s;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The connection budgets docs/kubernetes.md prints are computed here, by {@link ConnectionBudget} from the rendered
 * overlays, so the doc cannot disagree with the manifests. Each table sits between {@code <!-- name -->} and
 * {@code <!-- /name -->}; {@code -Dballast.docs.write=true} writes the computed tables into the doc instead of failing.
 */
class BudgetTablesTest {

    private static final Path DOC = Path.of("docs", "kubernetes.md");
    private static final List<Integer> MAX_CONNECTIONS = List.of(100, 120, 200, 300, 500);
    private static final List<Integer> POOL_SIZES = List.of(10, 20);

    @Test
    void theOverlayTableIsTheManifestsOwn() throws Exception {
        StringBuilder table = new StringBuilder("""
                | Overlay | Worst case: (`maxReplicas` + surge) × (`DB_POOL_MAX` + Flyway + outside the pool) + `DB_RESERVED_CONNECTIONS` + superuser-reserved | `max_connections` | Spare |
                | --- | --- | --- | --- |
                """);
        for (String overlay : List.of("dev", "prod")) {
            ConnectionBudget budget = ConnectionBudget.of(RenderedOverlay.render(overlay));
            table.append("| ").append(overlay).append(" | ").append(budget.formula()).append(" | ")
                    .append(budget.maxConnections()).append(" | ").append(budget.maxConnections() - budget.worstCase())
                    .append(" |\n");
        }
        check("budget-overlays", table.toString());
    }

    /** How many replicas fit other databases, with prod's other terms (surge, Flyway, outside the pool, reserves). */
    @Test
    void theSizingTableIsTheBudgetsOwn() throws Exception {
        ConnectionBudget prod = ConnectionBudget.of(RenderedOverlay.render("prod"));
        StringBuilder table = new StringBuilder("With prod's other terms: surge " + prod.surge() + ", Flyway " + prod.flywayPoolMax()
                + ", " + prod.outsidePool() + " outside the pool, " + prod.reserved() + " reserved, " + prod.superuserReserved()
                + " superuser-reserved.\n\n");
        table.append("""
                | `max_connections` | `DB_POOL_MAX` | Most replicas (`maxReplicas`) | Worst case |
                | --- | --- | --- | --- |
                """);
        for (int maxConnections : MAX_CONNECTIONS) {
            for (int pool : POOL_SIZES) {
                ConnectionBudget sized = prod.sizedFor(pool, maxConnections);
                table.append("| ").append(maxConnections).append(" | ").append(pool).append(" | ")
                        .append(sized.maxReplicas()).append(" | ")
                        .append(sized.maxReplicas() == 0 ? "none fits" : sized.formula()).append(" |\n");
            }
        }
        check("budget-sizing", table.toString());
    }

    private static void check(String name, String expected) throws IOException {
        String doc = Files.readString(DOC);
        String open = "<!-- " + name + " -->\n";
        String close = "<!-- /" + name + " -->";
        int start = doc.indexOf(open);
        int end = doc.indexOf(close);
        if (start < 0 || end < start) {
            fail(DOC + " has no " + open.strip() + " ... " + close + " block for this table:\n" + expected);
        }
        String actual = doc.substring(start + open.length(), end);
        if (actual.equals(expected)) {
            return;
        }
        if (Boolean.getBoolean("ballast.docs.write")) {
            Files.writeString(DOC, doc.substring(0, start + open.length()) + expected + doc.substring(end));
            return;
        }
        fail(DOC + ": the " + name + " table differs from what ConnectionBudget computes from the manifests. It should be:\n"
                + expected + "(run with -Dballast.docs.write=true to write it)");
    }
}
