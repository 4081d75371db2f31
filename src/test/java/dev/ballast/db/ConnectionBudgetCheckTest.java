package dev.ballast.db;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A replica whose pool could not fit in the database's max_connections says so at start-up (a WARN on purpose). */
@QuarkusTest
@TestProfile(ConnectionBudgetCheckTest.OversizedPool.class)
class ConnectionBudgetCheckTest {

    public static class OversizedPool implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // The embedded Postgres allows 200 connections.
            return Map.of("quarkus.datasource.reactive.max-size", "250", "ballast.db.pool-min", "0");
        }
    }

    @Test
    void theHeadroomGaugeGoesNegative() throws InterruptedException {
        Pattern gauge = Pattern.compile("(?m)^ballast_db_connection_headroom\\s+(-?[0-9.E]+)");
        double headroom = 0;
        for (int attempt = 0; attempt < 50 && headroom == 0; attempt++) {
            Matcher matcher = gauge.matcher(given().get("/q/metrics").then().statusCode(200).extract().asString());
            if (matcher.find()) {
                headroom = Double.parseDouble(matcher.group(1));
            }
            Thread.sleep(100);
        }
        // 200 allowed - 3 superuser-reserved - 10 reserved - 250 pool - 2 outside it (heartbeat, cache listener)
        // - connections of others < 0
        assertTrue(headroom <= -65, "headroom " + headroom);
    }
}
