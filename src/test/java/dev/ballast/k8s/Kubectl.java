package dev.ballast.k8s;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kubectl that renders the overlays ({@code kubectl kustomize}, no cluster needed). The prod overlay patches with
 * a file of two documents, which the kustomize built into kubectl accepts from kustomize v5.2.1 on (kubectl 1.31's
 * is v5.4.2; kubectl 1.30's is v5.0.4). Without a kubectl whose kustomize is that recent the manifest checks are
 * skipped with a message saying how to get one, unless
 * {@code -Dballast.k8s.required=true} (set by {@code .ci/run}) makes that a failure. {@code -Dballast.kubectl=PATH}
 * names the binary (default: {@code kubectl} on the PATH).
 */
final class Kubectl {

    static final int[] MINIMUM_KUSTOMIZE = {5, 2, 1};
    private static final Pattern KUSTOMIZE = Pattern.compile("\"kustomizeVersion\"\\s*:\\s*\"v(\\d+)\\.(\\d+)\\.(\\d+)");
    private static final String HOW_TO_GET_ONE = "The overlays need the kustomize of kubectl 1.31 or newer (v5.2.1 or newer; "
            + "Debian bookworm's kubernetes-client package is kubectl 1.20: too old). Install a recent kubectl from "
            + "https://kubernetes.io/docs/tasks/tools/ (a single binary: https://dl.k8s.io/release/v1.32.0/bin/linux/amd64/kubectl), "
            + "put it on the PATH or pass -Dballast.kubectl=/path/to/kubectl.";

    private static String unusable;
    private static boolean checked;

    private Kubectl() {
    }

    /** The binary this run uses. */
    static String binary() {
        return System.getProperty("ballast.kubectl", "kubectl");
    }

    /** Skips the calling test (or fails it, when required) unless a recent enough kubectl is available. */
    static synchronized void assumeUsable() {
        if (!checked) {
            unusable = problem();
            checked = true;
            if (unusable != null && !required()) {
                // Surefire reports a skip only as a count: say once, on the console, what is skipped and why.
                System.out.println("Skipping the Kubernetes manifest checks (ManifestsTest renders k8s/overlays with "
                        + "kubectl kustomize): " + unusable + " " + HOW_TO_GET_ONE);
            }
        }
        if (unusable == null) {
            return;
        }
        if (required()) {
            fail("The Kubernetes manifest checks are required here (-Dballast.k8s.required=true) but cannot run: "
                    + unusable + " " + HOW_TO_GET_ONE);
        }
        abort("Kubernetes manifest checks skipped: " + unusable + " " + HOW_TO_GET_ONE);
    }

    /** The rendered YAML of a kustomization directory. */
    static String kustomize(Path directory) throws IOException, InterruptedException {
        String[] output = new String[1];
        int exit = run(output, binary(), "kustomize", directory.toString());
        if (exit != 0) {
            throw new AssertionError(binary() + " kustomize " + directory + " failed:\n" + output[0]);
        }
        return output[0];
    }

    private static boolean required() {
        return Boolean.getBoolean("ballast.k8s.required");
    }

    /** Why kubectl cannot render the overlays, or null when it can. */
    private static String problem() {
        String[] output = new String[1];
        try {
            if (run(output, binary(), "version", "--client", "-o", "json") != 0) {
                return binary() + " version failed: " + output[0].strip();
            }
        } catch (IOException e) {
            return binary().equals("kubectl") ? "kubectl is not on the PATH." : "no kubectl at " + binary() + ".";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while asking kubectl its version.";
        }
        Matcher kustomize = KUSTOMIZE.matcher(output[0]);
        if (!kustomize.find()) {
            return binary() + " did not report its kustomize version: " + output[0].strip();
        }
        for (int part = 0; part < MINIMUM_KUSTOMIZE.length; part++) {
            int version = Integer.parseInt(kustomize.group(part + 1));
            if (version != MINIMUM_KUSTOMIZE[part]) {
                return version > MINIMUM_KUSTOMIZE[part] ? null
                        : binary() + "'s kustomize is " + kustomize.group().replaceAll(".*\"v", "v") + ", too old.";
            }
        }
        return null;
    }

    private static int run(String[] output, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        output[0] = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
        }
        return process.exitValue();
    }
}
