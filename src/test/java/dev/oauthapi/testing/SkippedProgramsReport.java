package dev.oauthapi.testing;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * At the end of a test run, one line per group of tests skipped for a missing program (see
 * {@link Needs}), and the one line that installs them all, so that a newcomer sees what did not
 * run and why. Registered through {@code META-INF/services}, so Surefire and Failsafe both load it.
 */
public final class SkippedProgramsReport implements TestExecutionListener {
    /** Per reason (the missing programs), how many tests of each class. */
    private final Map<String, Map<String, Long>> skipped = new LinkedHashMap<>();
    private TestPlan plan;

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
        skipped.clear();
    }

    @Override
    public void executionSkipped(TestIdentifier identifier, String reason) {
        if (reason == null || !reason.startsWith(Needs.NOT_INSTALLED)) {
            return;
        }
        final String className = identifier.isTest()
                ? plan.getParent(identifier).map(TestIdentifier::getDisplayName).orElse("?")
                : identifier.getDisplayName();
        final long tests = identifier.isTest() ? 1
                : plan.getDescendants(identifier).stream().filter(TestIdentifier::isTest).count();
        skipped.computeIfAbsent(reason.substring(Needs.NOT_INSTALLED.length()), key -> new LinkedHashMap<>())
                .merge(className, tests, Long::sum);
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        if (skipped.isEmpty()) {
            return;
        }
        final StringBuilder report = new StringBuilder("\nSkipped because a program they drive is not installed here:\n");
        skipped.forEach((reason, classes) -> report.append("  ").append(classes.entrySet().stream()
                        .map(entry -> entry.getKey() + " (" + entry.getValue() + (entry.getValue() == 1 ? " test)" : " tests)"))
                        .collect(Collectors.joining(", ")))
                .append(": ").append(reason).append('\n'));
        report.append("To run them all (Debian's packages): sudo ").append(Program.installLine(EnumSet.allOf(Program.class)))
                .append("\n\n");
        System.out.print(report);
    }
}
