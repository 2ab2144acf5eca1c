package io.wsboot.sample;

import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Assertions on the example's message, {@code ["hello",<unix seconds>]}.
 */
final class HelloAssertions {

	private static final Pattern HELLO = Pattern.compile("\\[\"hello\",(\\d+)\\]");

	private HelloAssertions() {
	}

	/**
	 * Assert that a message is the example's hello, sent between a given second and now.
	 * @param message the message received
	 * @param notBefore the earliest unix second it may carry
	 */
	static void assertHello(String message, long notBefore) {
		Matcher matcher = HELLO.matcher(message);
		assertThat(matcher.matches()).as("%s is [\"hello\",<unix seconds>]", message).isTrue();
		assertThat(Long.parseLong(matcher.group(1))).isBetween(notBefore, Instant.now().getEpochSecond());
	}

}
