import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fault harness's load: the mixed workload at a fixed offered rate (open model: each request has an
 * intended send time, its latency counts from then, and a slow answer does not delay the next request).
 * Every request goes to requests.tsv (intended epoch ms, kind, status, latency ms; status 0 = no answer);
 * every write (article with tags, comment, favorite, follow) goes to writes.tsv with what was sent and the
 * answer, so that the checker can tell acknowledged writes from refused or cut-off ones.
 *
 * Run with the JDK's source launcher:
 *   java bench/faults/FaultLoad.java load BASE_URL SEED_DIR OUT_DIR RATE SECONDS RUN_ID
 *   java bench/faults/FaultLoad.java capacity BASE_URL SEED_DIR CONCURRENCY SECONDS   (closed loop: prints req/s)
 */
public class FaultLoad {

    static final Pattern SLUG = Pattern.compile("\"slug\":\"([^\"]+)\"");
    static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

    final String base;
    final List<String> tokens;
    final List<String> usernames;
    final List<String> slugs;
    final List<String> tags;
    final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .executor(Executors.newFixedThreadPool(2))
            .build();

    FaultLoad(String base, Path seed) throws IOException {
        this.base = base;
        this.tokens = lines(seed.resolve("tokens.txt"));
        this.usernames = lines(seed.resolve("users.txt")).stream().map(email -> email.substring(0, email.indexOf('@'))).toList();
        this.slugs = lines(seed.resolve("slugs.txt"));
        this.tags = lines(seed.resolve("tags.txt"));
    }

    /** One request of the mix: what it is, and for a write, the fields the checker needs. */
    record Planned(String kind, HttpRequest request, String token, String target, String key) {
        boolean write() {
            return token != null && !kind.equals("feed") && !kind.equals("profile");
        }
    }

    Planned next(String run, long n) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int dice = random.nextInt(100);
        int userIndex = random.nextInt(tokens.size());
        String token = tokens.get(userIndex);
        String slug = slugs.get(random.nextInt(slugs.size()));
        if (dice < 30) {
            return new Planned("list", get("/api/articles?limit=10&offset=" + random.nextInt(5) * 10, null), null, null, null);
        } else if (dice < 50) {
            return new Planned("article", get("/api/articles/" + slug, null), null, null, null);
        } else if (dice < 60) {
            return new Planned("comments", get("/api/articles/" + slug + "/comments", null), null, null, null);
        } else if (dice < 70) {
            return new Planned("profile", get("/api/profiles/" + usernames.get(random.nextInt(usernames.size())), token), token, null, null);
        } else if (dice < 75) {
            return new Planned("feed", get("/api/articles/feed?limit=10", token), token, null, null);
        } else if (dice < 80) {
            return new Planned("tags", get("/api/tags", null), null, null, null);
        } else if (dice < 85) {
            String title = "fault " + run + " a" + n;
            List<String> chosen = new ArrayList<>(List.of(tags.get(random.nextInt(tags.size())), "fault-" + run + "-" + (n % 50)));
            if (random.nextBoolean()) {
                chosen.add(tags.get(random.nextInt(tags.size())));
            }
            List<String> distinct = chosen.stream().distinct().toList();
            String body = "{\"article\":{\"title\":\"" + title + "\",\"description\":\"d\",\"body\":\"written during a fault\",\"tagList\":["
                    + String.join(",", distinct.stream().map(t -> "\"" + t + "\"").toList()) + "]}}";
            return new Planned("create-article", post("/api/articles", body, token), token, title, String.join("|", distinct));
        } else if (dice < 92) {
            String body = "fault " + run + " c" + n;
            return new Planned("comment", post("/api/articles/" + slug + "/comments", "{\"comment\":{\"body\":\"" + body + "\"}}", token),
                    token, slug, body);
        } else if (dice < 97) {
            return new Planned("favorite", post("/api/articles/" + slug + "/favorite", "", token), token, slug, Integer.toString(userIndex));
        } else {
            String followee = usernames.get(random.nextInt(usernames.size()));
            return new Planned("follow", post("/api/profiles/" + followee + "/follow", "", token), token, followee, Integer.toString(userIndex));
        }
    }

    HttpRequest get(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET();
        if (token != null) {
            builder.header("Authorization", "Token " + token);
        }
        return builder.build();
    }

    HttpRequest post(String path, String body, String token) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Token " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    void load(Path out, double rate, int seconds, String run) throws Exception {
        Files.createDirectories(out);
        try (PrintWriter requests = new PrintWriter(Files.newBufferedWriter(out.resolve("requests.tsv")));
             PrintWriter writes = new PrintWriter(Files.newBufferedWriter(out.resolve("writes.tsv")))) {
            long startNanos = System.nanoTime();
            long startEpoch = System.currentTimeMillis();
            long interval = (long) (1e9 / rate);
            long total = (long) (rate * seconds);
            CountDownLatch done = new CountDownLatch((int) total);
            for (long n = 0; n < total; n++) {
                long intended = startNanos + n * interval;
                for (long now = System.nanoTime(); now < intended; now = System.nanoTime()) {
                    LockSupport.parkNanos(Math.min(intended - now, 500_000));
                }
                Planned planned = next(run, n);
                long intendedEpoch = startEpoch + (intended - startNanos) / 1_000_000;
                client.sendAsync(planned.request(), HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
                    long latency = (System.nanoTime() - intended) / 1_000_000;
                    int status = failure == null ? response.statusCode() : 0;
                    synchronized (requests) {
                        requests.println(intendedEpoch + "\t" + planned.kind() + "\t" + status + "\t" + latency);
                        if (planned.write()) {
                            String answer = "";
                            if (failure == null && status / 100 == 2) {
                                Matcher m = (planned.kind().equals("comment") ? ID : SLUG).matcher(response.body());
                                answer = m.find() ? m.group(1) : "";
                            }
                            writes.println(intendedEpoch + "\t" + planned.kind() + "\t" + status + "\t" + planned.target()
                                    + "\t" + planned.key() + "\t" + answer);
                        }
                    }
                    done.countDown();
                });
            }
            if (!done.await(20, TimeUnit.SECONDS)) {
                System.err.println("some requests never completed: " + done.getCount());
            }
            // The load generator's own CPU (it shares the machine): CPU seconds over wall seconds of this JVM.
            double wall = (System.nanoTime() - startNanos) / 1e9;
            double cpu = ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(-1.0);
            Files.writeString(out.resolve("loadgen-cpu.txt"), String.format("cpu_s\t%.1f%nwall_s\t%.1f%n", cpu, wall));
        }
    }

    void capacity(int concurrency, int seconds) throws Exception {
        AtomicLong ok = new AtomicLong();
        AtomicInteger running = new AtomicInteger(concurrency);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch finished = new CountDownLatch(concurrency);
        for (int i = 0; i < concurrency; i++) {
            loop(end, ok, finished, i);
        }
        finished.await();
        System.out.println(ok.get() / seconds);
    }

    void loop(long end, AtomicLong ok, CountDownLatch finished, long n) {
        if (System.nanoTime() > end) {
            finished.countDown();
            return;
        }
        client.sendAsync(next("capacity", n).request(), HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
            if (failure == null && response.statusCode() / 100 == 2) {
                ok.incrementAndGet();
            }
            loop(end, ok, finished, n + 1_000_000);
        });
    }

    static List<String> lines(Path path) throws IOException {
        return Files.readAllLines(path).stream().filter(line -> !line.isBlank()).toList();
    }

    public static void main(String[] args) throws Exception {
        FaultLoad load = new FaultLoad(args[1], Path.of(args[2]));
        if (args[0].equals("capacity")) {
            load.capacity(Integer.parseInt(args[3]), Integer.parseInt(args[4]));
        } else {
            load.load(Path.of(args[3]), Double.parseDouble(args[4]), Integer.parseInt(args[5]), args[6]);
        }
        System.exit(0);
    }
}
