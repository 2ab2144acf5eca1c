package io.wsboot;

import java.time.Duration;
import java.util.function.Consumer;

import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.micrometer.observation.tck.TestObservationRegistryAssert.TestObservationRegistryAssertReturningObservationContextAssert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bounded waits on the observations a {@link TestObservationRegistry} records of a
 * {@link WebSocketServer}.
 */
final class Observations {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private Observations() {
	}

	/**
	 * Wait until the connections of earlier tests are gone, then forget the observations
	 * recorded so far.
	 * @param registry the registry
	 * @param server the server
	 */
	static void clear(TestObservationRegistry registry, WebSocketServer server) {
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(server.stats().connections()).isZero());
		registry.clear();
	}

	/**
	 * Wait until an observation of a name has been stopped.
	 * @param registry the registry
	 * @param name the observation name
	 */
	static void awaitStopped(TestObservationRegistry registry, String name) {
		awaitStopped(registry, name, (observation) -> {
		});
	}

	/**
	 * Wait until an observation of a name has been stopped and passes further checks.
	 * @param registry the registry
	 * @param name the observation name
	 * @param checks the further checks of the observation
	 */
	static void awaitStopped(TestObservationRegistry registry, String name,
			Consumer<TestObservationRegistryAssertReturningObservationContextAssert> checks) {
		await().atMost(TIMEOUT)
			.untilAsserted(() -> checks.accept(TestObservationRegistryAssert.assertThat(registry)
				.hasObservationWithNameEqualTo(name)
				.that()
				.hasBeenStopped()));
	}

}
