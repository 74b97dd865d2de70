package io.github.dualwrite.examples.points;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's Spring Boot snippets are the ones this example builds and runs. */
class ReadmeSnippetTest {

    private static final Path README = Path.of("../../README.md");

    @Test
    void theApplicationYmlInTheReadmeIsTheExamplesOwn() throws IOException {
        String yaml = block(Files.readString(README), "<!-- points-service:application.yml -->", "```yaml");
        assertThat(yaml).isEqualTo(Files.readString(Path.of("src/main/resources/application.yml")));
    }

    @Test
    void theDependenciesInTheReadmeAreTheExamplesOwn() throws IOException {
        String xml = block(Files.readString(README), "<!-- points-service:pom -->", "```xml");
        List<String> readme = coordinates(xml);
        assertThat(readme).containsExactly("io.github.dualwrite:dualwrite-spring-boot-starter",
                "io.github.dualwrite:dualwrite-mybatis-plugin");
        assertThat(coordinates(Files.readString(Path.of("pom.xml")))).containsAll(readme);
    }

    private static String block(String text, String marker, String fence) {
        int at = text.indexOf(marker);
        assertThat(at).as("README marker " + marker).isNotNegative();
        int start = text.indexOf(fence + "\n", at) + fence.length() + 1;
        int end = text.indexOf("```", start);
        return text.substring(start, end);
    }

    private static List<String> coordinates(String xml) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<dependency>\\s*<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>")
                .matcher(xml);
        while (m.find()) {
            out.add(m.group(1).trim() + ":" + m.group(2).trim());
        }
        return out;
    }
}
