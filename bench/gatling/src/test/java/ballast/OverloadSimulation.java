package ballast;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.forever;
import static io.gatling.javaapi.core.CoreDsl.listFeeder;
import static io.gatling.javaapi.core.CoreDsl.randomSwitch;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Choice;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The mix of bench/wrk/scenario.lua (per 1,000: 300 list, 200 article, 150 comments, 100 tags, 100 by tag,
 * 100 feed, 48 comment writes, 2 logins) from a fixed number of connections that each send their next request
 * as soon as the previous one is answered. A 2xx is OK, anything else KO, so the report gives the latency of
 * the served requests apart from the rejected ones.
 * System properties: baseUrl, data (bench/seed.py's output), users (256), seconds (30); with rate (requests a
 * second) it sends the mix at that fixed rate instead (open model).
 */
public class OverloadSimulation extends Simulation {

    private static final String BASE_URL = System.getProperty("baseUrl", "http://127.0.0.1:8090");
    private static final Path DATA = Path.of(System.getProperty("data", "../out"));
    private static final int USERS = Integer.getInteger("users", 256);
    private static final int SECONDS = Integer.getInteger("seconds", 30);
    private static final int RATE = Integer.getInteger("rate", 0);

    private static List<Map<String, Object>> rows(String file, String key) {
        try {
            return Files.readAllLines(DATA.resolve(file)).stream()
                    .filter(line -> !line.isBlank())
                    .map(line -> Map.<String, Object>of(key, line))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final HttpProtocolBuilder protocol = http.baseUrl(BASE_URL)
            .acceptHeader("application/json")
            .contentTypeHeader("application/json")
            .check(status().in(200, 201));

    private final ChainBuilder pickData = feed(listFeeder(rows("slugs.txt", "slug")).random())
            .feed(listFeeder(rows("tokens.txt", "token")).random())
            .feed(listFeeder(rows("tags.txt", "tag")).random())
            .feed(listFeeder(rows("users.txt", "email")).random())
            .exec(session -> session.set("offset", 20 * ThreadLocalRandom.current().nextInt(5)));

    private final ChainBuilder oneRequest = pickData.exec(randomSwitch().on(
            new Choice.WithWeight(30.0, exec(http("list").get("/api/articles?offset=#{offset}"))),
            new Choice.WithWeight(20.0, exec(http("article").get("/api/articles/#{slug}"))),
            new Choice.WithWeight(15.0, exec(http("comments").get("/api/articles/#{slug}/comments"))),
            new Choice.WithWeight(10.0, exec(http("tags").get("/api/tags"))),
            new Choice.WithWeight(10.0, exec(http("by tag").get("/api/articles?tag=#{tag}"))),
            new Choice.WithWeight(10.0, exec(http("feed").get("/api/articles/feed").header("Authorization", "Token #{token}"))),
            new Choice.WithWeight(4.8, exec(http("comment write").post("/api/articles/#{slug}/comments")
                    .header("Authorization", "Token #{token}")
                    .body(StringBody("{\"comment\":{\"body\":\"A comment written under load.\"}}")))),
            new Choice.WithWeight(0.2, exec(http("login").post("/api/users/login")
                    .body(StringBody("{\"user\":{\"email\":\"#{email}\",\"password\":\"bench-password\"}}"))))));

    {
        if (RATE > 0) {
            // Open model: RATE new requests a second whatever the answers, over shared keep-alive connections.
            setUp(scenario("mix at a fixed rate").exec(oneRequest)
                    .injectOpen(constantUsersPerSec(RATE).during(Duration.ofSeconds(SECONDS))))
                    .protocols(protocol.shareConnections());
        } else {
            // Closed model: USERS connections, each sending its next request as soon as one is answered.
            setUp(scenario("mix").exec(forever().on(oneRequest)).injectOpen(atOnceUsers(USERS)))
                    .protocols(protocol).maxDuration(Duration.ofSeconds(SECONDS));
        }
    }
}
