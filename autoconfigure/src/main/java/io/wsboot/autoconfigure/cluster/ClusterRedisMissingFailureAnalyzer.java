package io.wsboot.autoconfigure.cluster;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link ClusterRedisMissingException}.
 */
class ClusterRedisMissingFailureAnalyzer extends AbstractFailureAnalyzer<ClusterRedisMissingException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ClusterRedisMissingException cause) {
		String disable = " Or set wsboot.cluster.enabled=false to run this node on its own.";
		return switch (cause.getMissing()) {
			case CLASSES -> new FailureAnalysis(
					"wsboot.cluster.enabled=true makes this node share its WebSocket connections with the other "
							+ "nodes through Redis, but Spring Data Redis or Lettuce is not on the classpath.",
					"Add spring-boot-starter-data-redis-reactive to the application and point spring.data.redis.* "
							+ "at the Redis the nodes share." + disable,
					cause);
			case CONNECTION_FACTORY -> new FailureAnalysis(
					"wsboot.cluster.enabled=true makes this node share its WebSocket connections with the other "
							+ "nodes through Redis, but there is no ReactiveRedisConnectionFactory bean.",
					"Add spring-boot-starter-data-redis-reactive (whose auto-configuration defines the connection "
							+ "factory) and set spring.data.redis.*, or define a ReactiveRedisConnectionFactory "
							+ "bean." + disable,
					cause);
		};
	}

}
