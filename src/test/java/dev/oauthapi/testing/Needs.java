package dev.oauthapi.testing;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The test class or method drives these programs. Where one is missing, the test is skipped with
 * the reason (and {@link SkippedProgramsReport} sums the skips up at the end of the run), so that
 * {@code ./mvnw verify} passes on a machine with only a JDK; under {@code CI=true} a missing
 * program fails the test instead, so that CI proves everything.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(Needs.Installed.class)
public @interface Needs {
    Program[] value();

    /** Skip reasons start with this, which is how the report tells them from other skips. */
    String NOT_INSTALLED = "not installed: ";

    final class Installed implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            final List<Program> needed = context.getElement()
                    .flatMap(element -> AnnotationSupport.findAnnotation(element, Needs.class))
                    .map(needs -> List.of(needs.value()))
                    .orElse(List.of());
            return evaluate(context.getDisplayName(), needed, program -> program.find().isPresent(),
                    "true".equals(System.getenv("CI")));
        }

        static ConditionEvaluationResult evaluate(String test, List<Program> needed, Predicate<Program> installed,
                boolean ci) {
            final List<Program> missing = needed.stream().filter(installed.negate()).toList();
            if (missing.isEmpty()) {
                return ConditionEvaluationResult.enabled("installed");
            }
            final String programs = missing.stream().map(Program::command).collect(Collectors.joining(", "))
                    + " (" + Program.installLine(missing) + ")";
            if (ci) {
                // JUnit reports a condition that throws as a failure of the test or class.
                throw new IllegalStateException("CI=true, so this fails instead of skipping: " + test + " needs " + programs);
            }
            return ConditionEvaluationResult.disabled(NOT_INSTALLED + programs);
        }
    }
}
