package io.wsboot.autoconfigure.cluster;

import io.wsboot.WebSocketServerException;

/**
 * Thrown at startup when {@code wsboot.cluster.enabled=true} and the cluster has no Redis
 * to share connections through: Spring Data Redis or Lettuce is not on the classpath, or
 * there is no {@code ReactiveRedisConnectionFactory} bean.
 *
 * @since 0.1.0
 */
public class ClusterRedisMissingException extends WebSocketServerException {

	private final Missing missing;

	/**
	 * Create an exception.
	 * @param missing what is missing
	 */
	public ClusterRedisMissingException(Missing missing) {
		super(switch (missing) {
			case CLASSES -> "wsboot.cluster.enabled=true needs Spring Data Redis and Lettuce on the classpath: "
					+ "add spring-boot-starter-data-redis-reactive";
			case CONNECTION_FACTORY -> "wsboot.cluster.enabled=true needs a ReactiveRedisConnectionFactory: "
					+ "add spring-boot-starter-data-redis-reactive and set spring.data.redis.*";
		});
		this.missing = missing;
	}

	/**
	 * Return what is missing.
	 * @return what the cluster lacks
	 */
	public Missing getMissing() {
		return this.missing;
	}

	/**
	 * What the cluster lacks.
	 */
	public enum Missing {

		/**
		 * Spring Data Redis or Lettuce is not on the classpath.
		 */
		CLASSES,

		/**
		 * There is no {@code ReactiveRedisConnectionFactory} bean.
		 */
		CONNECTION_FACTORY

	}

}
